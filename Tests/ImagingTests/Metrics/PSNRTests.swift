import Foundation
import Imaging
import Testing

@Test func psnrOfIdenticalImagesIsInfinite() {
  let image = TestImages.noise(width: 7, height: 5, seed: 1)
  #expect(psnr(image, image) == .infinity)
}

@Test func psnrMatchesFormulaForKnownPerturbation() {
  let image = TestImages.pattern(width: 16, height: 10, seed: 2)
  // Change 37 samples by ±3 and 5 by 40 (directions chosen to stay in range).
  var pixels = image.pixels
  for i in 0..<37 { pixels[i * 11] = pixels[i * 11] < 128 ? pixels[i * 11] + 3 : pixels[i * 11] - 3 }
  for i in 0..<5 { pixels[i * 13 + 1] = pixels[i * 13 + 1] < 128 ? pixels[i * 13 + 1] + 40 : pixels[i * 13 + 1] - 40 }
  let perturbed = RGBImage(width: 16, height: 10, pixels: pixels)
  let changed = zip(image.pixels, pixels).filter { $0 != $1 }.count
  #expect(changed == 42)  // no index was hit twice
  let meanSquaredError = Double(37 * 9 + 5 * 1600) / Double(16 * 10 * 3)
  let expected = 10 * log10(255 * 255 / meanSquaredError)
  #expect(abs(psnr(image, perturbed) - expected) < 1e-12)
  #expect(psnr(perturbed, image) == psnr(image, perturbed))
}

@Test func psnrOfOppositeExtremesIsZero() {
  let black = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 12))
  let white = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 255, count: 12))
  #expect(psnr(black, white) == 0)
}
