import Imaging
import Tensors

extension RGBImage {
  /// The image as `[1, H', W', 3]` in [-0.5, 0.5], padded by edge replication to `H' × W'`, multiples of `multiple`
  /// (the model's downsampling factor), so every latent sees real-looking pixels.
  public func tensor(paddedToMultipleOf multiple: Int) -> Tensor {
    let grid = LatentTile(
      rows: 0..<(height + multiple - 1) / multiple, columns: 0..<(width + multiple - 1) / multiple)
    return tensor(latentWindow: grid, factor: multiple)
  }

  /// The pixels under a latent window as `[1, rows·f, columns·f, 3]` in [-0.5, 0.5], replicating the last row and
  /// column where the window reaches into the padding that rounds the image up to a multiple of f.
  func tensor(latentWindow w: LatentTile, factor f: Int) -> Tensor {
    let (th, tw) = (w.rows.count * f, w.columns.count * f)
    let (y0, x0) = (w.rows.lowerBound * f, w.columns.lowerBound * f)
    var scalars = [Float](repeating: 0, count: th * tw * 3)
    pixels.withUnsafeBufferPointer { px in
      scalars.withUnsafeMutableBufferPointer { out in
        for y in 0..<th {
          let sy = min(y0 + y, height - 1)
          for x in 0..<tw {
            let src = (sy * width + min(x0 + x, width - 1)) * 3
            let dst = (y * tw + x) * 3
            for c in 0..<3 { out[dst + c] = sampleValue(px[src + c]) }
          }
        }
      }
    }
    return Tensor(shape: [1, th, tw, 3], scalars: scalars)
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

/// An 8-bit sample as the networks see it, in [-0.5, 0.5]: the one conversion, for training and inference alike
/// (`sampleByte` is its inverse).
@inline(__always)
public func sampleValue(_ byte: UInt8) -> Float { Float(byte) * (1 / 255) - 0.5 }

/// A decoded value in [-0.5, 0.5] as an 8-bit sample: `round((v + 0.5) · 255)` clamped to 0…255. NaN gives 0 (a
/// model with broken weights must not crash the decoder; `UInt8(_:)` traps on NaN and infinities).
@inline(__always)
func sampleByte(_ v: Float) -> UInt8 {
  let scaled = ((v + 0.5) * 255).rounded()
  return scaled > 0 ? (scaled < 255 ? UInt8(scaled) : 255) : 0
}
