import Codec
import Dispatch
import Imaging
import Tensors

/// The decoded training images, held in memory (a few hundred photos fit easily), and random crops of them.
public final class ImageDataset: Sendable {
  public let images: [RGBImage]
  public let paths: [String]
  /// Files that could not be read, with the reason (one warning each is printed by the caller).
  public let skipped: [(path: String, reason: String)]
  /// Files readable but smaller than the crop.
  public let tooSmall: Int

  /// Reads every PNG/JPEG under `folder` (both cores), keeping those at least `crop` pixels on each side.
  public init(folder: String, crop: Int) throws(TrainingError) {
    let files = try ImageFolder.files(in: folder)
    var results = [Result<RGBImage, Error>?](repeating: nil, count: files.count)
    results.withUnsafeMutableBufferPointer { slots in
      let base = slots.baseAddress!
      concurrentPerform(files.count) { i in base[i] = Result { try ImageFile.read(path: files[i]).image } }
    }
    var images: [RGBImage] = []
    var paths: [String] = []
    var skipped: [(String, String)] = []
    var tooSmall = 0
    for (path, result) in zip(files, results) {
      switch result! {
      case .success(let image) where image.width >= crop && image.height >= crop:
        images.append(image)
        paths.append(path)
      case .success: tooSmall += 1
      case .failure(let error): skipped.append((path, "\(error)"))
      }
    }
    if images.isEmpty {
      if tooSmall > 0 { throw .imagesTooSmall(folder, crop: crop) }
      throw .noUsableImages(folder, skipped: skipped.count)
    }
    (self.images, self.paths, self.skipped, self.tooSmall) = (images, paths, skipped, tooSmall)
  }

  /// Images already in memory, each at least as large as the crops that will be drawn from them.
  public init(images: [RGBImage]) {
    precondition(!images.isEmpty, "a dataset needs at least one image")
    (self.images, self.paths, self.skipped, self.tooSmall) = (images, images.indices.map { "<memory \($0)>" }, [], 0)
  }

  /// The images' count and a 64-bit FNV-1a hash of their sizes and a sample of their bytes (every 997th), as four
  /// 16-bit pieces that floats hold exactly: ranks compare theirs before training, so all crop from the same images.
  public var summary: [Float] {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    func mix(_ value: Int) { hash = (hash ^ UInt64(truncatingIfNeeded: value)) &* 0x0000_0100_0000_01B3 }
    for image in images {
      mix(image.width)
      mix(image.height)
      for i in stride(from: 0, to: image.pixels.count, by: 997) { mix(Int(image.pixels[i])) }
    }
    return [Float(images.count)] + (0..<4).map { Float((hash >> (16 * UInt64($0))) & 0xFFFF) }
  }

  /// `count` random `crop × crop` crops, each flipped horizontally with probability ½, as `[count, crop, crop, 3]`
  /// in [-0.5, 0.5]. Everything random comes from `rng`.
  public func batch(count: Int, crop: Int, using rng: inout SplitMix64) -> Tensor {
    var scalars = [Float](repeating: 0, count: count * crop * crop * 3)
    for b in 0..<count { writeCrop(crop, at: b, into: &scalars, using: &rng) }
    return Tensor(shape: [count, crop, crop, 3], scalars: scalars)
  }

  /// The crops at `positions` of step `step`'s global batch: each position's image, corner and flip are drawn from
  /// a generator seeded by `(seed, step, position)` alone, so whichever rank computes a position draws the same crop.
  public func batch(positions: Range<Int>, crop: Int, seed: UInt64, step: Int) -> Tensor {
    var scalars = [Float](repeating: 0, count: positions.count * crop * crop * 3)
    for (b, position) in positions.enumerated() {
      var rng = SplitMix64(seed: derivedSeed(seed, 3, UInt64(step), UInt64(position)))
      writeCrop(crop, at: b, into: &scalars, using: &rng)
    }
    return Tensor(shape: [positions.count, crop, crop, 3], scalars: scalars)
  }

  /// One random crop (image, corner, flip) into slot `b` of a `[_, crop, crop, 3]` buffer.
  private func writeCrop(_ crop: Int, at b: Int, into scalars: inout [Float], using rng: inout SplitMix64) {
    let image = images[Int(rng.next() % UInt64(images.count))]
    let y0 = Int(rng.next() % UInt64(image.height - crop + 1))
    let x0 = Int(rng.next() % UInt64(image.width - crop + 1))
    let flip = rng.next() & 1 == 1
    image.pixels.withUnsafeBufferPointer { px in
      scalars.withUnsafeMutableBufferPointer { out in
        for y in 0..<crop {
          for x in 0..<crop {
            let sx = flip ? x0 + crop - 1 - x : x0 + x
            let src = ((y0 + y) * image.width + sx) * 3
            let dst = ((b * crop + y) * crop + x) * 3
            for ch in 0..<3 { out[dst + ch] = sampleValue(px[src + ch]) }
          }
        }
      }
    }
  }
}
