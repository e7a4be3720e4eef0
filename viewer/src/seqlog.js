// The project's event sequence numbers this page has taken: a `hello` replays from the last one,
// and the replay may overlap events that arrive live, so each number is taken once. The set is
// kept small by remembering, below a floor, only that everything there was seen.

const KEEP = 2000;
const COMPACT_AT = 5000;

export class SeqLog {
  constructor(since) {
    this.last = since || 0;
    this.seen = new Set();
    this.floor = 0;
  }

  /** True the first time `seq` is offered; false for a duplicate (replay + live). */
  take(seq) {
    if (this.seen.has(seq) || seq <= this.floor) return false;
    this.seen.add(seq);
    if (seq > this.last) this.last = seq;
    if (this.seen.size > COMPACT_AT) this._compact();
    return true;
  }

  /**
   * The server's log is behind what we saw (a restored database): start over from `seq`, and
   * take its next events although their numbers were seen before (they are other events now;
   * kept in the seen set they would be dropped as duplicates and never shown).
   */
  rewind(seq) {
    if (seq >= this.last) return;
    this.last = seq;
    for (const s of [...this.seen]) if (s > seq) this.seen.delete(s);
    if (this.floor > seq) this.floor = seq;
  }

  _compact() {
    const sorted = [...this.seen].sort((a, b) => a - b);
    const drop = sorted.slice(0, sorted.length - KEEP);
    for (const s of drop) this.seen.delete(s);
    this.floor = drop[drop.length - 1];
  }
}
