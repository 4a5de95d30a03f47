/// One channel of an image as Doubles, row-major: the working form for MS-SSIM.
struct SamplePlane {
  let width: Int
  let height: Int
  var samples: [Double]

  init(width: Int, height: Int, samples: [Double]) {
    precondition(samples.count == width * height)
    self.width = width
    self.height = height
    self.samples = samples
  }

  /// Channel `channel` (0 = R, 1 = G, 2 = B) of `image`.
  init(_ image: RGBImage, channel: Int) {
    let count = image.width * image.height
    let samples = [Double](unsafeUninitializedCapacity: count) { plane, initialized in
      image.pixels.withUnsafeBufferPointer { pixels in
        for i in 0..<count { plane[i] = Double(pixels[3 * i + channel]) }
      }
      initialized = count
    }
    self.init(width: image.width, height: image.height, samples: samples)
  }

  /// torch `avg_pool2d(kernel_size=2, stride=2, padding=side % 2)` with its
  /// default `count_include_pad=True`: an odd side gains a zero row/column at
  /// the top/left, every output divides its 2×2 sum by 4, and the output side
  /// is `(side + 1) / 2`.
  func averagePooled() -> SamplePlane {
    let padTop = height % 2
    let padLeft = width % 2
    let outHeight = (height + padTop) / 2
    let outWidth = (width + padLeft) / 2
    let pooled = [Double](unsafeUninitializedCapacity: outHeight * outWidth) { output, initialized in
      samples.withUnsafeBufferPointer { input in
        for row in 0..<outHeight {
          for column in 0..<outWidth {
            var sum = 0.0
            for sourceRow in (2 * row - padTop)...(2 * row - padTop + 1) where sourceRow >= 0 {
              for sourceColumn in (2 * column - padLeft)...(2 * column - padLeft + 1) where sourceColumn >= 0 {
                sum += input[sourceRow * width + sourceColumn]
              }
            }
            output[row * outWidth + column] = sum / 4
          }
        }
      }
      initialized = outHeight * outWidth
    }
    return SamplePlane(width: outWidth, height: outHeight, samples: pooled)
  }
}
