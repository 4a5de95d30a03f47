import Imaging
import Tensors

/// Encoding and decoding in overlapping tiles, so memory stays bounded for any image size.
///
/// The padded image is cut into tiles of `tileLatents × tileLatents` latents; each tile is computed on a window
/// grown by `marginLatents` on every side (clipped to the padded image, so convolutions pad exactly where the
/// untiled computation would) and only its own latents or pixels are kept. The margin exceeds the networks'
/// receptive fields (a tested property), so tiles match the untiled result and no seam can show.
struct TiledInference {
  let model: VQModel
  var tileLatents = 128
  var marginLatents = 8

  var f: Int { model.configuration.downsampling }

  /// Index grids (one per stage, row-major over the `ceil(H/f) × ceil(W/f)` latent grid) of `image`.
  func indices(for image: RGBImage, stages: Int) -> [[Int32]] {
    let (gh, gw) = ((image.height + f - 1) / f, (image.width + f - 1) / f)
    var grids = [[Int32]](repeating: [Int32](repeating: 0, count: gh * gw), count: stages)
    for tile in tiles(height: gh, width: gw) {
      let window = tile.window(margin: marginLatents, height: gh, width: gw)
      let x = image.tensor(latentWindow: window, factor: f)
      let tileGrids = model.indices(for: x, stages: stages)
      for s in 0..<stages {
        for y in tile.rows {
          for xLatent in tile.columns {
            grids[s][y * gw + xLatent] = tileGrids[s][(y - window.rows.lowerBound) * window.columns.count + (xLatent - window.columns.lowerBound)]
          }
        }
      }
    }
    return grids
  }

  /// The decoded `width × height` image from index grids over the latent grid.
  func image(from grids: [[Int32]], width: Int, height: Int) -> RGBImage {
    let (gh, gw) = ((height + f - 1) / f, (width + f - 1) / f)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for tile in tiles(height: gh, width: gw) {
      let window = tile.window(margin: marginLatents, height: gh, width: gw)
      let windowGrids = grids.map { grid in
        window.rows.flatMap { y in window.columns.map { x in grid[y * gw + x] } }
      }
      let x = model.reconstruction(from: windowGrids, latentShape: [1, window.rows.count, window.columns.count])
      let windowWidth = window.columns.count * f
      x.scalars.withUnsafeBufferPointer { t in
        for py in (tile.rows.lowerBound * f)..<min(height, tile.rows.upperBound * f) {
          let ty = py - window.rows.lowerBound * f
          for px in (tile.columns.lowerBound * f)..<min(width, tile.columns.upperBound * f) {
            let tx = px - window.columns.lowerBound * f
            for c in 0..<3 {
              pixels[(py * width + px) * 3 + c] = sampleByte(t[(ty * windowWidth + tx) * 3 + c])
            }
          }
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  private func tiles(height: Int, width: Int) -> [LatentTile] {
    stride(from: 0, to: height, by: tileLatents).flatMap { y in
      stride(from: 0, to: width, by: tileLatents).map { x in
        LatentTile(rows: y..<min(height, y + tileLatents), columns: x..<min(width, x + tileLatents))
      }
    }
  }
}

/// A rectangle of the latent grid.
struct LatentTile {
  let rows: Range<Int>
  let columns: Range<Int>

  func window(margin: Int, height: Int, width: Int) -> LatentTile {
    LatentTile(rows: max(0, rows.lowerBound - margin)..<min(height, rows.upperBound + margin),
               columns: max(0, columns.lowerBound - margin)..<min(width, columns.upperBound + margin))
  }
}

extension RGBImage {
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
            for c in 0..<3 { out[dst + c] = Float(px[src + c]) * (1 / 255) - 0.5 }
          }
        }
      }
    }
    return Tensor(shape: [1, th, tw, 3], scalars: scalars)
  }
}
