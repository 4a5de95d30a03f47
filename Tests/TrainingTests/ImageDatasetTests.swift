import Codec
import Foundation
import Imaging
import Tensors
import TestSupport
import Testing

@testable import Training

@Test func missingFolderIsReported() {
  let path = NSTemporaryDirectory() + "no-such-folder-" + UUID().uuidString
  #expect(throws: TrainingError.missingFolder(path)) { try ImageDataset(folder: path, crop: 8) }
}

@Test func aFileIsNotAFolder() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let file = try folder.writePNG(testImage(width: 16, height: 16, seed: 1), named: "a.png")
  #expect(throws: TrainingError.notAFolder(file)) { try ImageDataset(folder: file, crop: 8) }
}

@Test func anEmptyFolderHasNoImages() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try folder.write(Array("not an image".utf8), named: "readme.txt")
  #expect(throws: TrainingError.noImages(folder.path)) { try ImageDataset(folder: folder.path, crop: 8) }
}

@Test func onlyUnreadableFilesMeansNoUsableImages() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try folder.write(Array("garbage, not a PNG".utf8), named: "fake.png")
  try folder.write([0x89, 0x50, 0x4E, 0x47], named: "cut.jpg")
  try folder.write([], named: "empty.jpeg")
  #expect(throws: TrainingError.noUsableImages(folder.path, skipped: 3)) {
    try ImageDataset(folder: folder.path, crop: 8)
  }
}

@Test func imagesSmallerThanTheCropAreReported() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try folder.writePNG(testImage(width: 15, height: 32, seed: 1), named: "narrow.png")
  try folder.writePNG(testImage(width: 32, height: 15, seed: 2), named: "short.png")
  try folder.write(Array("garbage".utf8), named: "fake.png")
  #expect(throws: TrainingError.imagesTooSmall(folder.path, crop: 16)) {
    try ImageDataset(folder: folder.path, crop: 16)
  }
}

@Test func unreadableFilesAreSkippedAndCounted() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try folder.writePNG(testImage(width: 20, height: 16, seed: 1), named: "b.png")
  try folder.writePNG(testImage(width: 16, height: 24, seed: 2), named: "sub/a.PNG")
  try folder.write(try testImage(width: 18, height: 18, seed: 3).jpegData(quality: 90), named: "c.jpg")
  try folder.writePNG(testImage(width: 8, height: 8, seed: 4), named: "small.png")
  try folder.write(Array("garbage".utf8), named: "fake.png")
  try folder.write(Array("notes".utf8), named: "notes.txt")
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  #expect(dataset.paths == ["b.png", "c.jpg", "sub/a.PNG"].map(folder.file))
  #expect(dataset.images.map(\.width) == [20, 18, 16])
  #expect(dataset.skipped.map(\.path) == [folder.file("fake.png")])
  #expect(dataset.tooSmall == 1)
}

@Test func batchesAreDeterministicForASeed() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try folder.writePNG(testImage(width: 24, height: 20, seed: 1), named: "a.png")
  try folder.writePNG(testImage(width: 20, height: 28, seed: 2), named: "b.png")
  let dataset = try ImageDataset(folder: folder.path, crop: 12)
  var r1 = SplitMix64(seed: 5)
  var r2 = SplitMix64(seed: 5)
  var r3 = SplitMix64(seed: 6)
  let a = dataset.batch(count: 3, crop: 12, using: &r1)
  #expect(a.shape == [3, 12, 12, 3])
  #expect(a.scalars.allSatisfy { (-0.5...0.5).contains($0) })
  #expect(a == dataset.batch(count: 3, crop: 12, using: &r2))
  #expect(r1.state == r2.state)
  #expect(a != dataset.batch(count: 3, crop: 12, using: &r3))
  // A second batch from the same generator differs from the first.
  #expect(dataset.batch(count: 3, crop: 12, using: &r1) != a)
}

/// An image exactly the crop's size can only come back whole, or mirrored left to right.
@Test func aCropIsTheImageOrItsMirror() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let image = testImage(width: 8, height: 8, seed: 9)
  try folder.writePNG(image, named: "a.png")
  let dataset = try ImageDataset(folder: folder.path, crop: 8)
  let plain = image.pixels.map(sampleValue)
  var mirrored: [Float] = []
  for y in 0..<8 { for x in (0..<8).reversed() { for c in 0..<3 { mirrored.append(plain[(y * 8 + x) * 3 + c]) } } }
  var rng = SplitMix64(seed: 1)
  var seen = Set<Bool>()
  for _ in 0..<16 {
    let crop = dataset.batch(count: 1, crop: 8, using: &rng).scalars
    #expect(crop == plain || crop == mirrored)
    seen.insert(crop == plain)
  }
  #expect(seen == [true, false], "16 draws should include both orientations")
}

/// Training sees exactly the values inference sees, for every byte (the two once differed by 1 ulp on 111 of them).
@Test func trainingBatchesUseTheInferenceConversion() {
  let image = RGBImage(width: 16, height: 16, pixels: (0..<16 * 16 * 3).map { UInt8($0 % 256) })
  var rng = SplitMix64(seed: 1)
  let batch = ImageDataset(images: [image]).batch(count: 1, crop: 16, using: &rng)
  // The crop is the whole image, so a flip only reorders the values.
  #expect(batch.scalars.sorted() == image.tensor(paddedToMultipleOf: 1).scalars.sorted())
}
