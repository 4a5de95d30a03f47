import Imaging
import Testing

@Test func initKeepsLayout() {
  let image = RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
  #expect(image.width == 2 && image.height == 1 && image.pixels == [1, 2, 3, 4, 5, 6])
  #expect(image != RGBImage(width: 1, height: 2, pixels: [1, 2, 3, 4, 5, 6]))
}

@Test func initTrapsOnWrongSampleCount() async {
  await #expect(processExitsWith: .failure) { _ = RGBImage(width: 2, height: 2, pixels: [0, 0, 0]) }
  await #expect(processExitsWith: .failure) { _ = RGBImage(width: 0, height: 5, pixels: []) }
}
