import Serialization

extension ByteReader {
  /// A `.vq` header field; a file that ends inside it throws `FormatError.truncated` naming the field.
  mutating func read<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, field: String) throws(FormatError) -> T {
    do { return try read(type) } catch { throw .truncated(field: field, offset: error.offset) }
  }

  mutating func readBytes(_ count: Int, field: String) throws(FormatError) -> [UInt8] {
    do { return try readBytes(count) } catch { throw .truncated(field: field, offset: error.offset) }
  }
}
