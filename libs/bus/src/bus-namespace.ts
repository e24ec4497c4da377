/**
 * A prefix applied to every subject, stream and consumer name of one deployment of Switchyard
 * (`BUS_NAMESPACE`, empty by default). Tests give each fleet its own, so parallel runs sharing one
 * NATS server never see each other's requests or usage streams.
 */
export class BusNamespace {
  readonly prefix: string;

  constructor(prefix = '') {
    if (prefix !== '' && !/^[A-Za-z0-9_-]+\.$/.test(prefix)) {
      throw new Error(
        `BUS_NAMESPACE must look like "name." (letters, digits, _ or -, then a dot); got "${prefix}"`,
      );
    }
    this.prefix = prefix;
  }

  subject(subject: string): string {
    return this.prefix + subject;
  }

  /** stream and consumer names cannot contain dots. */
  name(name: string): string {
    return this.prefix === '' ? name : `${this.prefix.slice(0, -1)}_${name}`;
  }

  /** the subject without this namespace's prefix. */
  strip(subject: string): string {
    return subject.startsWith(this.prefix) ? subject.slice(this.prefix.length) : subject;
  }
}
