import Tensors

// Oracles for the convolution tests: straightforward nested loops over NHWC, in Double, straight from the documented
// formulas. They share nothing with im2col/col2im/GEMM.

/// `y[n,oy,ox,o] = bias[o] + Σ_{ky,kx,c} x[n, oy·s−p+ky, ox·s−p+kx, c] · w[ky,kx,c,o]`, weight `[KH, KW, C, O]`.
func naiveConv2d(_ x: Tensor, weight w: Tensor, bias: Tensor?, stride s: Int, padding p: Int) -> Tensor {
  let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[3])
  precondition(w.shape[2] == c)
  let oh = (h + 2 * p - kh) / s + 1
  let ow = (wd + 2 * p - kw) / s + 1
  var y = [Float](repeating: 0, count: n * oh * ow * o)
  for b in 0..<n {
    for oy in 0..<oh {
      for ox in 0..<ow {
        for oc in 0..<o {
          var acc = Double(bias?.scalars[oc] ?? 0)
          for ky in 0..<kh {
            for kx in 0..<kw {
              let iy = oy * s - p + ky
              let ix = ox * s - p + kx
              guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
              for ic in 0..<c {
                let xv = x.scalars[((b * h + iy) * wd + ix) * c + ic]
                let wv = w.scalars[((ky * kw + kx) * c + ic) * o + oc]
                acc += Double(xv) * Double(wv)
              }
            }
          }
          y[((b * oh + oy) * ow + ox) * o + oc] = Float(acc)
        }
      }
    }
  }
  return Tensor(shape: [n, oh, ow, o], scalars: y)
}

/// PyTorch's transposed convolution: `y[n, iy·s−p+ky, ix·s−p+kx, o] += x[n,iy,ix,c] · w[ky,kx,o,c]`, plus
/// `bias[o]`; weight `[KH, KW, O, C]`; output `(H−1)s − 2p + KH` by `(W−1)s − 2p + KW`.
func naiveConvTranspose2d(_ x: Tensor, weight w: Tensor, bias: Tensor?, stride s: Int, padding p: Int) -> Tensor {
  let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[2])
  precondition(w.shape[3] == c)
  let oh = (h - 1) * s - 2 * p + kh
  let ow = (wd - 1) * s - 2 * p + kw
  var y = [Double](repeating: 0, count: n * oh * ow * o)
  for b in 0..<n {
    for iy in 0..<h {
      for ix in 0..<wd {
        for ky in 0..<kh {
          for kx in 0..<kw {
            let yy = iy * s - p + ky
            let yx = ix * s - p + kx
            guard yy >= 0, yy < oh, yx >= 0, yx < ow else { continue }
            for oc in 0..<o {
              for ic in 0..<c {
                let xv = x.scalars[((b * h + iy) * wd + ix) * c + ic]
                let wv = w.scalars[((ky * kw + kx) * o + oc) * c + ic]
                y[((b * oh + yy) * ow + yx) * o + oc] += Double(xv) * Double(wv)
              }
            }
          }
        }
      }
    }
  }
  if let bias {
    for i in y.indices { y[i] += Double(bias.scalars[i % o]) }
  }
  return Tensor(shape: [n, oh, ow, o], scalars: y.map { Float($0) })
}

/// `⟨a, b⟩` in Double.
func dot(_ a: [Float], _ b: [Float]) -> Double {
  precondition(a.count == b.count)
  return zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}
