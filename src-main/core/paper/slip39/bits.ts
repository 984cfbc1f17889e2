import { CustosError } from '../../../../shared/errors.js';

/** Packs fields of up to 16 bits, big-endian, into 10-bit word indices. */
export class WordWriter {
  private acc = 0;
  private bits = 0;
  private readonly words: number[] = [];

  push(value: number, width: number): this {
    this.acc = (this.acc << width) | (value & ((1 << width) - 1));
    this.bits += width;
    while (this.bits >= 10) {
      this.bits -= 10;
      this.words.push((this.acc >>> this.bits) & 1023);
    }
    this.acc &= (1 << this.bits) - 1;
    return this;
  }

  /** The words written; the fields must have filled whole words. */
  finish(): number[] {
    if (this.bits !== 0) throw new CustosError('INTERNAL', 'WordWriter: fields do not fill whole words');
    return this.words;
  }
}

/** Reads fields of up to 16 bits, big-endian, from 10-bit word indices. */
export class WordReader {
  private acc = 0;
  private bits = 0;
  private position = 0;

  constructor(private readonly words: readonly number[]) {}

  read(width: number): number {
    while (this.bits < width) {
      const word = this.words[this.position++];
      if (word === undefined) throw new CustosError('INTERNAL', 'WordReader: read past the end');
      this.acc = (this.acc << 10) | word;
      this.bits += 10;
    }
    this.bits -= width;
    const value = (this.acc >>> this.bits) & ((1 << width) - 1);
    this.acc &= (1 << this.bits) - 1;
    return value;
  }
}
