/** The last `limit` characters written to a stream: enough to explain a crash, never a memory leak. */
export class TextTail {
  private text = '';

  constructor(private readonly limit: number) {}

  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  toString(): string {
    return this.text.trim();
  }
}
