/// The report's tables: compact ones for the terminal (`render`, at most `terminalWidth` columns), and the full ones
/// (every measurement) that the HTML page shows.
public enum ReportTable {
  /// Lines of the terminal rendering never exceed this (names are shortened with "…").
  public static let terminalWidth = 100

  /// The terminal rendering: per-image rows, the per-operating-point means and codebook usage, with the columns a
  /// reader compares; the rest is in the CSV, JSON and HTML outputs.
  public static func render(_ report: Report) -> String {
    var text =
      "Per image\n" + compactPerImage(report).text() + "\nMean of per-image values\n" + compactSummary(report).text()
    if !report.references.isEmpty {
      text +=
        "\nReference codecs' PSNR at our rates (linear between their settings; - outside them)\n"
        + referencesAtOurRates(report).text()
        + "\nBD-rate: the rate we need for the same PSNR, against each reference (negative: fewer bits)\n"
        + bjontegaardDeltas(report, nameWidth: 24).text()
    }
    return text + "\nCodebook usage over the set\n" + usage(report, nameWidth: 24).text()
      + "\nBits per latent, compression ratios, times, JPEG's quality and MS-SSIM: --csv, --json and --html.\n"
  }

  static func compactPerImage(_ report: Report) -> Table {
    var table = Table(headers: ["image", "point", "bytes", "bpp", "PSNR", "MS-SSIM", "JPEG bpp", "JPEG PSNR"])
    for m in report.measurements {
      table.append([
        abbreviated(m.imageName, to: 24), abbreviated(m.operatingPoint.label, to: 14), "\(m.rates.byteCount)",
        m.bitsPerPixel.fixed(4), m.psnr.fixed(2), m.msSSIM.fixed(4), m.jpeg.bitsPerPixel.fixed(4), m.jpeg.psnr.fixed(2),
      ])
    }
    return table
  }

  static func compactSummary(_ report: Report) -> Table {
    var table = Table(headers: [
      "point", "images", "bpp", "PSNR", "MS-SSIM", "enc s", "dec s", "JPEG bpp", "JPEG PSNR",
    ])
    for s in report.summaries {
      table.append([
        abbreviated(s.operatingPoint.label, to: 14), "\(s.imageCount)", s.ours.bitsPerPixel.fixed(4),
        s.ours.psnr.fixed(2), s.ours.msSSIM.fixed(4), s.encodeSeconds.fixed(3), s.decodeSeconds.fixed(3),
        s.jpeg.bitsPerPixel.fixed(4), s.jpeg.psnr.fixed(2),
      ])
    }
    return table
  }

  static func referencesAtOurRates(_ report: Report) -> Table {
    var table = Table(headers: ["point", "bpp", "PSNR"] + report.references.map(\.codecName))
    for s in report.summaries {
      table.append(
        [abbreviated(s.operatingPoint.label, to: 14), s.ours.bitsPerPixel.fixed(4), s.ours.psnr.fixed(2)]
          + report.references.map { $0.psnr(atBitsPerPixel: s.ours.bitsPerPixel)?.fixed(2) ?? "-" })
    }
    return table
  }

  static func bjontegaardDeltas(_ report: Report, nameWidth: Int = .max) -> Table {
    var table = Table(headers: ["model", "reference", "BD-rate", "over PSNR (dB)"])
    for entry in report.bjontegaardDeltas {
      table.append([
        abbreviated(entry.modelName, to: nameWidth), entry.referenceName,
        entry.delta.map { ($0.rate >= 0 ? "+" : "") + $0.rate.fixed(1) + "%" } ?? "undefined",
        entry.delta.map { "\($0.psnrRange.lowerBound.fixed(2))-\($0.psnrRange.upperBound.fixed(2))" }
          ?? "no overlap",
      ])
    }
    return table
  }

  static func referenceCurves(_ report: Report) -> Table {
    var table = Table(headers: ["codec", "setting", "bpp", "PSNR", "MS-SSIM"])
    for curve in report.references {
      for (setting, point) in zip(curve.settings, curve.points) {
        table.append([
          curve.codecName, setting.settingText, point.bitsPerPixel.fixed(4), point.psnr.fixed(2), point.msSSIM.fixed(4),
        ])
      }
    }
    return table
  }

  /// `text` cut to `width` characters, its end replaced by "…" when cut.
  static func abbreviated(_ text: String, to width: Int) -> String {
    text.count <= width ? text : String(text.prefix(width - 1)) + "…"
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

  static func usage(_ report: Report, nameWidth: Int = .max) -> Table {
    var table = Table(headers: ["model", "stage", "codes used", "of K", "perplexity", "entropy bits", "log2 K"])
    for model in report.codebookUsage {
      for (stage, u) in model.stages.enumerated() {
        table.append([
          abbreviated(model.modelName, to: nameWidth), "\(stage + 1)", "\(u.usedCodes)", "\(u.codes)",
          u.perplexity.fixed(1),
          u.entropyBits.fixed(3),
          u.maximumEntropyBits.fixed(3),
        ])
      }
    }
    return table
  }
}
