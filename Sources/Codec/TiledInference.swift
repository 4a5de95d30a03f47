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
            grids[s][y * gw + xLatent] =
              tileGrids[s][(y - window.rows.lowerBound) * window.columns.count + (xLatent - window.columns.lowerBound)]
          }
        }
      }
    }
    return grids
  }

  /// The continuous latents of `image` before quantization, `ceil(H/f) × ceil(W/f) × D` row-major.
  func latents(for image: RGBImage) -> [Float] {
    let (gh, gw) = ((image.height + f - 1) / f, (image.width + f - 1) / f)
    let d = model.configuration.latentDimension
    var latents = [Float](repeating: 0, count: gh * gw * d)
    for tile in tiles(height: gh, width: gw) {
      let window = tile.window(margin: marginLatents, height: gh, width: gw)
      let z = model.latents(for: image.tensor(latentWindow: window, factor: f))
      z.scalars.withUnsafeBufferPointer { z in
        for y in tile.rows {
          let windowRow = (y - window.rows.lowerBound) * window.columns.count - window.columns.lowerBound
          for x in tile.columns {
            for j in 0..<d { latents[(y * gw + x) * d + j] = z[(windowRow + x) * d + j] }
          }
        }
      }
    }
    return latents
  }

  /// The decoded `width × height` image from index grids over the latent grid; `gray` makes every pixel the
  /// `grayLevel` of its decoded samples (a file whose source was gray, Docs/FORMAT.md §6).
  func image(from grids: [[Int32]], width: Int, height: Int, gray: Bool = false) -> RGBImage {
    var pixels: [UInt8] = []
    pixels.reserveCapacity(width * height * 3)
    decodeBands(from: grids, width: width, height: height, gray: gray) { pixels.append(contentsOf: $0) }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// The decoded image one row of tiles at a time, top to bottom: `band` gets whole rows (`width × 3` bytes each),
  /// so memory holds one band, never the whole image.
  func decodeBands(
    from grids: [[Int32]], width: Int, height: Int, gray: Bool = false,
    band: (UnsafeBufferPointer<UInt8>) throws -> Void
  ) rethrows {
    let (gh, gw) = ((height + f - 1) / f, (width + f - 1) / f)
    var pixels = [UInt8](repeating: 0, count: min(height, tileLatents * f) * width * 3)
    for tileRow in tileRows(height: gh) {
      let rows = (tileRow.lowerBound * f)..<min(height, tileRow.upperBound * f)
      for tile in tiles(in: tileRow, width: gw) {
        let window = tile.window(margin: marginLatents, height: gh, width: gw)
        let windowGrids = grids.map { grid in
          window.rows.flatMap { y in window.columns.map { x in grid[y * gw + x] } }
        }
        let x = model.reconstruction(from: windowGrids, latentShape: [1, window.rows.count, window.columns.count])
        let windowWidth = window.columns.count * f
        x.scalars.withUnsafeBufferPointer { t in
          for py in rows {
            let ty = py - window.rows.lowerBound * f
            for px in (tile.columns.lowerBound * f)..<min(width, tile.columns.upperBound * f) {
              let tx = px - window.columns.lowerBound * f
              for c in 0..<3 {
                pixels[((py - rows.lowerBound) * width + px) * 3 + c] = sampleByte(t[(ty * windowWidth + tx) * 3 + c])
              }
            }
          }
        }
      }
      let count = rows.count * width * 3
      if gray {
        pixels.withUnsafeMutableBufferPointer { p in
          for i in stride(from: 0, to: count, by: 3) {
            let level = grayLevel(p[i], p[i + 1], p[i + 2])
            (p[i], p[i + 1], p[i + 2]) = (level, level, level)
          }
        }
      }
      try pixels.withUnsafeBufferPointer { try band(UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }
  }

  private func tiles(height: Int, width: Int) -> [LatentTile] {
    tileRows(height: height).flatMap { tiles(in: $0, width: width) }
  }

  private func tileRows(height: Int) -> [Range<Int>] {
    stride(from: 0, to: height, by: tileLatents).map { $0..<min(height, $0 + tileLatents) }
  }

  private func tiles(in rows: Range<Int>, width: Int) -> [LatentTile] {
    stride(from: 0, to: width, by: tileLatents).map {
      LatentTile(rows: rows, columns: $0..<min(width, $0 + tileLatents))
    }
  }
}

/// A rectangle of the latent grid.
struct LatentTile {
  let rows: Range<Int>
  let columns: Range<Int>

  func window(margin: Int, height: Int, width: Int) -> LatentTile {
    LatentTile(
      rows: max(0, rows.lowerBound - margin)..<min(height, rows.upperBound + margin),
      columns: max(0, columns.lowerBound - margin)..<min(width, columns.upperBound + margin))
  }
}
