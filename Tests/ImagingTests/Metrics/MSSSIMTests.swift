import Imaging
import Testing

// Reference values from pytorch_msssim 1.0.0 (torch 2.15.0, CPU), the package
// CompressAI uses, on the images TestImages builds (the script rebuilds them
// with the same LCG):
//
//   def lcg(seed):
//       s = seed & 0xFFFFFFFF
//       while True:
//           s = (s * 1664525 + 1013904223) & 0xFFFFFFFF; yield s >> 24
//   pattern(w, h, seed)[y, x, c] = min(255, (x*3 + y*2 + c*40) % 200 + next(r) % 32)
//   distorted(img, seed, a)[y, x, c] = clip(img[y, x, c] + next(r) % (2a+1) - a, 0, 255)
//   noise(w, h, seed)[y, x, c] = next(r)          # loops y, x, c, row-major
//   t = lambda i: torch.tensor(i.transpose(2, 0, 1)[None], dtype=dtype)
//   ms_ssim(t(a), t(b), data_range=255, size_average=True).item()
//
// float32 is what CompressAI computes. The float64 column passes a float64
// window (win=, built as the package builds it: exp(-d²/2σ²), d = -5...5,
// normalised) because the package's default window is rounded to float32
// even for float64 input, which alone moves the result by up to 2.5e-6 here;
// with it, agreement to 1e-12 shows the conventions (valid filtering, zero-padded
// pooling, relu) are the package's, not merely close.
private struct Reference {
  let name: String
  let a: RGBImage
  let b: RGBImage
  let float32: Double
  let float64: Double
}

private func references() -> [Reference] {
  let pattern200 = TestImages.pattern(width: 200, height: 200, seed: 1)
  let pattern161x173 = TestImages.pattern(width: 161, height: 173, seed: 2)
  return [
    Reference(
      name: "200×200 pattern, noise ±20", a: pattern200,
      b: TestImages.distorted(pattern200, seed: 7, amplitude: 20),
      float32: 0.9624845385551453, float64: 0.962484289192533),
    // Odd sides exercise the zero-padded pooling at every scale.
    Reference(
      name: "161×173 pattern, noise ±40", a: pattern161x173,
      b: TestImages.distorted(pattern161x173, seed: 9, amplitude: 40),
      float32: 0.8893753886222839, float64: 0.889375030196026),
    Reference(
      name: "200×200 independent noise", a: TestImages.noise(width: 200, height: 200, seed: 3),
      b: TestImages.noise(width: 200, height: 200, seed: 4),
      float32: 0.08746501058340073, float64: 0.08746242599859143),
    // Anti-correlated: every contrast-structure term is negative, so relu gives 0, not NaN.
    Reference(
      name: "200×200 pattern vs its negative", a: pattern200,
      b: RGBImage(width: 200, height: 200, pixels: pattern200.pixels.map { 255 - $0 }),
      float32: 0, float64: 0),
  ]
}

@Test func msSSIMMatchesPytorchMSSSIM() throws {
  for reference in references() {
    let value = try #require(msSSIM(reference.a, reference.b))
    #expect(abs(value - reference.float32) < 1e-4, "\(reference.name): \(value) vs float32 \(reference.float32)")
    #expect(abs(value - reference.float64) < 1e-12, "\(reference.name): \(value) vs float64 \(reference.float64)")
  }
}

@Test func msSSIMOfIdenticalImagesIsOne() throws {
  let image = TestImages.pattern(width: 170, height: 161, seed: 5)
  #expect(try #require(msSSIM(image, image)) == 1)
}

@Test func msSSIMDecreasesWithNoiseAndIsSymmetric() throws {
  let image = TestImages.pattern(width: 161, height: 161, seed: 6)
  var previous = 1.0
  for amplitude in [4, 16, 64] {
    let noisy = TestImages.distorted(image, seed: 10, amplitude: amplitude)
    let value = try #require(msSSIM(image, noisy))
    #expect(value < previous, "amplitude \(amplitude)")
    #expect(abs(value - (try #require(msSSIM(noisy, image)))) < 1e-12)
    previous = value
  }
}

@Test func msSSIMIsNilBelowMinimumSide() {
  let narrow = TestImages.pattern(width: 300, height: msSSIMMinimumSide - 1, seed: 7)
  #expect(msSSIM(narrow, narrow) == nil)
  let wide = TestImages.pattern(width: msSSIMMinimumSide - 1, height: 300, seed: 7)
  #expect(msSSIM(wide, wide) == nil)
}
