import Imaging
import Testing

@testable import Codec

/// `encode(_:fittingIn:)` keeps the most whole stages whose file fits the byte budget: exactly the file `encode`
/// writes with that many stages, one stage when nothing fits.
struct SizeTargetTests {
  @Test func keepsTheMostStagesThatFit() throws {
    let codec = try ImageCodec(modelBytes: tinyModelBytes)
    let image = testImage(width: 37, height: 29, seed: 9)
    let one = try codec.encode(image, stages: 1)
    let two = try codec.encode(image, stages: 2)
    #expect(codec.stageCount == 2 && one.count < two.count)
    for (budget, expected, stages) in [
      (two.count + 100, two, 2), (two.count, two, 2), (two.count - 1, one, 1), (one.count, one, 1), (1, one, 1),
    ] {
      let fitted = try codec.encode(image, fittingIn: budget)
      #expect(fitted.bytes == expected && fitted.stages == stages, "budget \(budget)")
    }
  }
}
