/// The probability that a binary decision is 0, in units of 2^-12, nudged toward each coded bit by 1/16 of
/// the distance (FORMAT.md §5.2). It stays in 15...4081, so no decision is ever certain.
struct AdaptiveBitModel {
  static let precisionBits: UInt32 = 12
  static let adaptationShift: UInt32 = 4

  private(set) var probabilityOfZero: UInt32 = 1 << (precisionBits - 1)

  mutating func update(bit: Bool) {
    if bit {
      probabilityOfZero -= probabilityOfZero >> Self.adaptationShift
    } else {
      probabilityOfZero += ((1 << Self.precisionBits) - probabilityOfZero) >> Self.adaptationShift
    }
  }
}
