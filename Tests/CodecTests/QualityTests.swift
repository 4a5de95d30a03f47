import Bitstream
import Imaging
import Testing

@testable import Codec

/// `encode(_:quality:)`: whole stages at the qualities that name them, a rate that moves between them, skips that
/// decode; `encode(_:fittingIn:)`: the highest quality whose file fits.
struct QualityTests {
  let codec: ImageCodec
  let image = testImage(width: 96, height: 80, seed: 9)

  /// `makeModel`'s, with a second stage that refines: its codes are what the first stage leaves of this image's
  /// latents, at other positions than the first stage's codes came from (there it leaves nothing).
  init() throws {
    let model = makeModel(seed: 100)
    let latents = TiledInference(model: model).latents(for: image)
    let (first, second) = (model.codebooks[0], model.codebooks[1])
    var residual = latents
    var codes = [Float](repeating: 0, count: latents.count)
    first.addCodes(first.nearest(to: latents).indices, into: &codes)
    for i in residual.indices { residual[i] -= codes[i] }
    let (k, d) = (second.codes, second.dimension)
    let rows = residual.count / d
    var table: [Float] = []
    for c in 0..<k {
      let row = (2 * c + 1) * rows / (2 * k)
      table += residual[row * d..<(row + 1) * d]
    }
    second.embeddings.value.scalars = table
    codec = try ImageCodec(modelBytes: ModelFile.serialize(model))
  }

  /// Quality `100 · j / S` codes j whole stages: no skips, no coder 3, and (choosing codes by distortion and bits
  /// rather than by distortion alone) no more bytes than the nearest codes of those stages.
  @Test func qualitiesThatNameAStageCountCodeThoseWholeStages() throws {
    #expect(codec.stageCount == 2)
    let k = Int32(codec.configuration.codebookSize)
    for (quality, stages) in [(50.0, 1), (100.0, 2)] {
      let bytes = try codec.encode(image, quality: quality)
      let grids = try codec.indexGrids(of: bytes).grids
      #expect(grids.count == stages && grids.allSatisfy { !$0.contains(k) }, "quality \(quality)")
      #expect(try VQContainer.parse(bytes).stages.allSatisfy { $0.coder != .adaptiveRangeWithSkips })
      #expect(try bytes.count <= codec.encode(image, stages: stages).count, "quality \(quality)")
    }
    #expect(try codec.encode(image, quality: 100, stages: 1) == codec.encode(image, quality: 50))
  }

  /// Between two stage files the second stage refines part of the grid: sizes in between, skips in the grid, and a
  /// decoded image that is the first stage's plus those refinements.
  @Test func betweenStagesTheLastStageRefinesPartOfTheGrid() throws {
    let one = try codec.encode(image, quality: 50).count
    let two = try codec.encode(image, quality: 100).count
    let sizes = try stride(from: 50.0, through: 100, by: 5).map { try codec.encode(image, quality: $0).count }
    #expect(sizes.first == one && sizes.last == two)
    #expect(Set(sizes).count >= 4, "sizes \(sizes)")
    for (a, b) in zip(sizes, sizes.dropFirst()) { #expect(a <= b, "sizes \(sizes)") }
    let middle = try codec.encode(image, quality: 65)
    let grids = try codec.indexGrids(of: middle).grids
    let k = Int32(codec.configuration.codebookSize)
    #expect(grids.count == 2 && !grids[0].contains(k))
    #expect(grids[1].contains(k) && grids[1].contains { $0 < k })
    let container = try VQContainer.parse(middle)
    #expect(container.stages.map(\.coder).last == .adaptiveRangeWithSkips)
    let decoded = try codec.decode(middle)
    #expect(decoded.width == image.width && decoded.height == image.height)
    #expect(try codec.decode(middle, stages: 1) == codec.decode(codec.encode(image, quality: 50)))
  }

  @Test func qualityZeroIsTheSmallestFileAndStillDecodes() throws {
    let zero = try codec.encode(image, quality: 0)
    let oneStage = try codec.encode(image, quality: 50)
    let nearest = try codec.encode(image, stages: 1)
    #expect(zero.count <= oneStage.count && zero.count < nearest.count)
    _ = try codec.decode(zero)
    #expect(throws: CodecError.invalidQuality(101)) { try codec.encode(image, quality: 101) }
    #expect(throws: CodecError.invalidQuality(-1)) { try codec.encode(image, quality: -1) }
    #expect(throws: CodecError.invalidStages(requested: 3, available: 2)) {
      try codec.encode(image, quality: 50, stages: 3)
    }
  }

  /// The fitted file is the quality's own file, fits, and one hundredth of quality more would not.
  @Test func fittingInKeepsTheHighestQualityThatFits() throws {
    let zero = try codec.encode(image, quality: 0).count
    let one = try codec.encode(image, quality: 50).count
    let two = try codec.encode(image, quality: 100).count
    for budget in [two + 100, two, (one + two) / 2, one, zero] {
      let fitted = try codec.encode(image, fittingIn: budget)
      #expect(fitted.bytes.count <= budget, "budget \(budget)")
      #expect(try fitted.bytes == codec.encode(image, quality: fitted.quality))
      if fitted.quality < 100 {
        #expect(try codec.encode(image, quality: min(100, fitted.quality + 0.02)).count > budget, "budget \(budget)")
      }
    }
    #expect(try codec.encode(image, fittingIn: (one + two) / 2).bytes.count > one)
    let smallest = try codec.encode(image, fittingIn: zero - 1)
    let qualityZero = try codec.encode(image, quality: 0)
    #expect(smallest.quality == 0 && smallest.bytes == qualityZero)
  }
}
