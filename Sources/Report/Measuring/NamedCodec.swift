import Codec

/// A codec under test and the name the report gives it (the model file's base name, unique within a report).
public struct NamedCodec {
  public let name: String
  public let codec: ImageCodec

  public init(name: String, codec: ImageCodec) {
    self.name = name
    self.codec = codec
  }
}
