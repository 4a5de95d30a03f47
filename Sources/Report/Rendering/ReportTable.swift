/// The terminal rendering: per-image rows, the per-operating-point means, and codebook usage.
public enum ReportTable {
  public static func render(_ report: Report) -> String {
    "Per image\n" + perImage(report).text() + "\nMean of per-image values\n" + summary(report).text()
      + "\nCodebook usage over the set\n" + usage(report).text()
  }

  static func perImage(_ report: Report) -> Table {
    var table = Table(headers: [
      "image", "size", "point", "bytes", "bpp", "bits/lat fixed", "coded", "PSNR", "MS-SSIM", "ratio raw", "ratio src",
      "enc s", "dec s", "JPEG q", "JPEG bpp", "JPEG PSNR", "JPEG MS-SSIM",
    ])
    for m in report.measurements {
      table.append([
        m.imageName, "\(m.width)x\(m.height)", m.operatingPoint.label, "\(m.rates.byteCount)", m.bitsPerPixel.fixed(4),
        m.rates.bitsPerLatentFixed.fixed(2), m.rates.bitsPerLatentCoded.fixed(2), m.psnr.fixed(2), m.msSSIM.fixed(4),
        m.compressionRatioToRaw.fixed(1), m.compressionRatioToSource.fixed(1), m.encodeSeconds.fixed(3),
        m.decodeSeconds.fixed(3), "\(m.jpeg.quality)", m.jpeg.bitsPerPixel.fixed(4), m.jpeg.psnr.fixed(2),
        m.jpeg.msSSIM.fixed(4),
      ])
    }
    return table
  }

  static func summary(_ report: Report) -> Table {
    var table = Table(headers: [
      "point", "images", "bpp", "bits/lat fixed", "coded", "PSNR", "MS-SSIM", "ratio raw", "ratio src", "enc s",
      "dec s", "JPEG q", "JPEG bpp", "JPEG PSNR", "JPEG MS-SSIM",
    ])
    for s in report.summaries {
      table.append([
        s.operatingPoint.label, "\(s.imageCount)", s.ours.bitsPerPixel.fixed(4), s.bitsPerLatentFixed.fixed(2),
        s.bitsPerLatentCoded.fixed(2), s.ours.psnr.fixed(2), s.ours.msSSIM.fixed(4), s.compressionRatioToRaw.fixed(1),
        s.compressionRatioToSource.fixed(1), s.encodeSeconds.fixed(3), s.decodeSeconds.fixed(3), s.jpegQuality.fixed(1),
        s.jpeg.bitsPerPixel.fixed(4), s.jpeg.psnr.fixed(2), s.jpeg.msSSIM.fixed(4),
      ])
    }
    return table
  }

  static func usage(_ report: Report) -> Table {
    var table = Table(headers: ["model", "stage", "codes used", "of K", "perplexity", "entropy bits", "log2 K"])
    for model in report.codebookUsage {
      for (stage, u) in model.stages.enumerated() {
        table.append([
          model.modelName, "\(stage + 1)", "\(u.usedCodes)", "\(u.codes)", u.perplexity.fixed(1),
          u.entropyBits.fixed(3),
          u.maximumEntropyBits.fixed(3),
        ])
      }
    }
    return table
  }
}
