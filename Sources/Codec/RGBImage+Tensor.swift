import Imaging
import Tensors

extension RGBImage {
  /// The image as `[1, H', W', 3]` in [-0.5, 0.5], padded by edge replication to `H' × W'`, multiples of `multiple`
  /// (the model's downsampling factor), so every latent sees real-looking pixels.
  public func tensor(paddedToMultipleOf multiple: Int) -> Tensor {
    let paddedHeight = (height + multiple - 1) / multiple * multiple
    let paddedWidth = (width + multiple - 1) / multiple * multiple
    var scalars = [Float](repeating: 0, count: paddedHeight * paddedWidth * 3)
    pixels.withUnsafeBufferPointer { px in
      scalars.withUnsafeMutableBufferPointer { out in
        for y in 0..<paddedHeight {
          let sy = min(y, height - 1)
          for x in 0..<paddedWidth {
            let src = (sy * width + min(x, width - 1)) * 3
            let dst = (y * paddedWidth + x) * 3
            for c in 0..<3 { out[dst + c] = Float(px[src + c]) * (1 / 255) - 0.5 }
          }
        }
      }
    }
    return Tensor(shape: [1, paddedHeight, paddedWidth, 3], scalars: scalars)
  }

  /// The top-left `width × height` of a `[1, H', W', 3]` tensor in [-0.5, 0.5], rounded to 8 bits.
  public init(tensor: Tensor, croppedTo width: Int, height: Int) {
    precondition(tensor.shape.count == 4 && tensor.shape[0] == 1 && tensor.shape[3] == 3, "expected [1, H, W, 3]")
    let paddedWidth = tensor.shape[2]
    precondition(tensor.shape[1] >= height && paddedWidth >= width, "tensor smaller than the crop")
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    tensor.scalars.withUnsafeBufferPointer { t in
      for y in 0..<height {
        for x in 0..<width {
          for c in 0..<3 {
            pixels[(y * width + x) * 3 + c] = sampleByte(t[(y * paddedWidth + x) * 3 + c])
          }
        }
      }
    }
    self.init(width: width, height: height, pixels: pixels)
  }
}

/// A decoded value in [-0.5, 0.5] as an 8-bit sample: `round((v + 0.5) · 255)` clamped to 0…255. NaN gives 0 (a
/// model with broken weights must not crash the decoder; `UInt8(_:)` traps on NaN and infinities).
@inline(__always)
func sampleByte(_ v: Float) -> UInt8 {
  let scaled = ((v + 0.5) * 255).rounded()
  return scaled > 0 ? (scaled < 255 ? UInt8(scaled) : 255) : 0
}
