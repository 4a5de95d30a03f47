import Bitstream
// The public face only: no @testable here, so these tests see what a library user sees.
import Foundation
import Imaging
import Tensors
import Testing

@testable import Codec

let tinyModelBytes = makeModelBytes(seed: 100)

func expectCodecError(
  _ expected: (CodecError) -> Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("no error \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
  } catch let error as CodecError {
    #expect(expected(error), "\(error) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
  } catch {
    Issue.record("\(error) is not a CodecError \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
  }
}

func isCorruptFile(_ e: CodecError) -> Bool { if case .corruptFile = e { true } else { false } }
func isModelMismatch(_ e: CodecError) -> Bool { if case .modelMismatch = e { true } else { false } }
func isInvalidStages(_ e: CodecError) -> Bool { if case .invalidStages = e { true } else { false } }

@Test(arguments: [(1, 1), (1, 7), (5, 3), (17, 13), (33, 20)])
func encodeDecodeRoundTrip(width: Int, height: Int) throws {
  let codec = try ImageCodec(modelBytes: tinyModelBytes)
  let image = testImage(width: width, height: height, seed: UInt32(width * 100 + height))
  for stages in [1, 2, nil] {
    let bytes = try codec.encode(image, stages: stages)
    let decoded = try codec.decode(bytes)
    #expect(decoded.width == width && decoded.height == height)
    #expect(decoded.pixels.count == width * height * 3)
  }
}

/// `decode(encode(x))` is exactly the model's own reconstruction from its own indices, cropped and rounded.
@Test(arguments: [(1, 1), (5, 3), (17, 13), (33, 20)])
func decodeOfEncodeIsTheModelsReconstruction(width: Int, height: Int) throws {
  let codec = try ImageCodec(modelBytes: tinyModelBytes)
  let model = codec.model
  let image = testImage(width: width, height: height, seed: 7)
  let padded = image.tensor(paddedToMultipleOf: model.configuration.downsampling)
  let latentShape = [1, padded.shape[1] / 4, padded.shape[2] / 4]
  for stages in 1...model.stageCount {
    let expected = RGBImage(
      tensor: model.reconstruction(from: model.indices(for: padded, stages: stages), latentShape: latentShape),
      croppedTo: width, height: height)
    #expect(try codec.decode(try codec.encode(image, stages: stages)) == expected, "stages \(stages)")
  }
}

@Test func encodingIsDeterministic() throws {
  let image = testImage(width: 33, height: 20, seed: 8)
  let a = try ImageCodec(modelBytes: tinyModelBytes)
  let b = try ImageCodec(modelBytes: tinyModelBytes)
  let bytes = try a.encode(image)
  #expect(try a.encode(image) == bytes)
  #expect(try b.encode(image) == bytes)
  #expect(try a.decode(bytes) == b.decode(bytes))
  #expect(a.fingerprint == ModelFile.fingerprint(of: tinyModelBytes))
  // The file records its source: fingerprint at offset 6, width and height at 22 and 24.
  #expect(Array(bytes[6..<22]) == a.fingerprint)
  #expect(bytes[22] == 33 && bytes[23] == 0 && bytes[24] == 20 && bytes[25] == 0)
}

@Test func moreStagesCostMoreBytesAndDoNotHurt() throws {
  let codec = try ImageCodec(modelBytes: tinyModelBytes)
  let image = testImage(width: 33, height: 20, seed: 9)
  let one = try codec.encode(image, stages: 1)
  let two = try codec.encode(image, stages: 2)
  #expect(two.count > one.count)
  #expect(try codec.encode(image) == two)
}

@Test func aFileMadeWithAnotherModelIsRefused() throws {
  let a = try ImageCodec(modelBytes: tinyModelBytes)
  let b = try ImageCodec(modelBytes: makeModelBytes(seed: 101))
  let bytes = try a.encode(testImage(width: 9, height: 9, seed: 1))
  expectCodecError(isModelMismatch) { _ = try b.decode(bytes) }
  // Even the same architecture and weights with other notes is another model file.
  let renamed = try ImageCodec(modelBytes: makeModelBytes(seed: 100, notes: "renamed"))
  expectCodecError(isModelMismatch) { _ = try renamed.decode(bytes) }
}

@Test func corruptFilesThrowCorruptFile() throws {
  let codec = try ImageCodec(modelBytes: tinyModelBytes)
  let bytes = try codec.encode(testImage(width: 17, height: 13, seed: 2))
  // A version 2 file cut after a whole stage is a valid file with fewer stages; any other cut is corrupt.
  let container = try VQContainer.parse(bytes)
  var stageEnds: [Int: Int] = [:]
  var end = 40
  for (s, stage) in container.stages.enumerated() {
    end += 9 + stage.bytes.count
    stageEnds[end] = s + 1
  }
  for length in 0..<bytes.count {
    if let stages = stageEnds[length] {
      #expect(try codec.decode(Array(bytes[..<length])) == codec.decode(bytes, stages: stages))
    } else {
      expectCodecError(isCorruptFile, "truncated to \(length)") { _ = try codec.decode(Array(bytes[..<length])) }
    }
  }
  for bit in 0..<bytes.count * 8 {
    var flipped = bytes
    flipped[bit / 8] ^= 1 << (bit % 8)
    expectCodecError(isCorruptFile, "bit \(bit)") { _ = try codec.decode(flipped) }
  }
  var rng = SplitMix64(seed: 5)
  for length in [1, 4, 40, 41, 1000] {
    expectCodecError(isCorruptFile, "garbage of \(length)") {
      _ = try codec.decode((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
  }
  expectCodecError(isCorruptFile, "empty") { _ = try codec.decode([]) }
  expectCodecError(isCorruptFile, "a model file") { _ = try codec.decode(tinyModelBytes) }
  expectCodecError(isCorruptFile, "trailing byte") { _ = try codec.decode(bytes + [0]) }
}

/// Payload edits that keep the CRC valid must still fail cleanly (or decode to an image of the right size).
@Test func payloadEditsWithAValidChecksumNeverTrap() throws {
  let codec = try ImageCodec(modelBytes: tinyModelBytes)
  let bytes = try codec.encode(testImage(width: 17, height: 13, seed: 2))
  for offset in 22..<bytes.count - 4 {
    for value: UInt8 in [0, 0xFF, bytes[offset] ^ 0x10] {
      var edited = bytes
      edited[offset] = value
      do {
        let image = try codec.decode(withFixedChecksum(edited))
        #expect(image.pixels.count == image.width * image.height * 3)
      } catch {
        #expect(isCorruptFile(error) || isModelMismatch(error), "offset \(offset): \(error)")
      }
    }
  }
}

@Test func stagesOutOfRangeThrow() throws {
  let codec = try ImageCodec(modelBytes: tinyModelBytes)
  let image = testImage(width: 4, height: 4, seed: 1)
  for stages in [0, -1, 3, 100] {
    expectCodecError(isInvalidStages, "stages \(stages)") { _ = try codec.encode(image, stages: stages) }
  }
}

@Test func invalidModelBytesThrow() {
  #expect(throws: CodecError.self) { try ImageCodec(modelBytes: []) }
  #expect(throws: CodecError.self) { try ImageCodec(modelBytes: Array(tinyModelBytes.dropLast())) }
}

/// Encoding (refined too) and decoding give the same bytes and pixels whatever the thread count (chunk boundaries
/// depend only on sizes). Serialized, and the count is restored, because the setting is process-wide.
@Suite(.serialized) struct ThreadCountTests {
  @Test func oneAndTwoThreadsGiveIdenticalBytesAndPixels() throws {
    let before = ComputeThreads.count
    defer { ComputeThreads.set(before) }
    let codec = try ImageCodec(modelBytes: tinyModelBytes)
    for (width, height) in [(33, 20), (64, 48)] {
      let image = testImage(width: width, height: height, seed: 3)
      ComputeThreads.set(1)
      let bytes1 = try codec.encode(image)
      let pixels1 = try codec.decode(bytes1)
      let refined1 = try codec.encode(image, quality: 75, effort: 3)
      ComputeThreads.set(2)
      let bytes2 = try codec.encode(image)
      let pixels2 = try codec.decode(bytes2)
      #expect(try codec.encode(image, quality: 75, effort: 3) == refined1, "\(width)×\(height), refined")
      #expect(bytes1 == bytes2, "\(width)×\(height)")
      #expect(pixels1 == pixels2, "\(width)×\(height)")
      #expect(try codec.decode(bytes1) == pixels1)
    }
  }
}

/// Decoded values become samples by `round((v + 0.5) · 255)` clamped to 0…255; values no weights should produce
/// (NaN, infinities, huge) still give a byte instead of trapping in `UInt8(_:)`.
@Test func decodedValuesBecomeBytesWithoutTrapping() {
  let values: [Float] = [-0.5, 0, 0.5, 0.001, -0.7, 3, .nan, .infinity, -.infinity, 1e30, -1e30, 0.4990196]
  let tensor = Tensor(shape: [1, 1, values.count / 3, 3], scalars: values)
  let image = RGBImage(tensor: tensor, croppedTo: values.count / 3, height: 1)
  #expect(image.pixels == [0, 128, 255, 128, 0, 255, 0, 255, 0, 255, 0, 255])
}
