/// The CSV rendering (RFC 4180): a header, then one row per image and operating point. Empty cells stand for
/// values that do not exist (MS-SSIM of a small image).
public enum ReportCSV {
  public static let columns = [
    "image", "width", "height", "source_bytes", "model", "stages", "quality", "bytes", "latents",
    "bits_per_latent_fixed",
    "bits_per_latent_coded", "bpp", "compression_ratio_raw", "compression_ratio_source", "psnr_rgb", "ms_ssim_rgb",
    "encoding_time", "decoding_time", "jpeg_quality", "jpeg_bytes", "jpeg_bpp", "jpeg_psnr_rgb", "jpeg_ms_ssim_rgb",
  ]

  public static func render(_ report: Report) -> String {
    var lines = [columns.joined(separator: ",")]
    for m in report.measurements {
      let cells: [String] = [
        quoted(m.imageName), "\(m.width)", "\(m.height)", "\(m.sourceByteCount)", quoted(m.operatingPoint.modelName),
        "\(m.operatingPoint.stages)", m.operatingPoint.quality.map { "\($0)" } ?? "", "\(m.rates.byteCount)",
        "\(m.rates.latentCount)", "\(m.rates.bitsPerLatentFixed)",
        "\(m.rates.bitsPerLatentCoded)", "\(m.bitsPerPixel)", "\(m.compressionRatioToRaw)",
        "\(m.compressionRatioToSource)",
        number(m.psnr), number(m.msSSIM), "\(m.encodeSeconds)", "\(m.decodeSeconds)", "\(m.jpeg.quality)",
        "\(m.jpeg.byteCount)", "\(m.jpeg.bitsPerPixel)", number(m.jpeg.psnr), number(m.jpeg.msSSIM),
      ]
      lines.append(cells.joined(separator: ","))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  private static func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }

  /// Quotes a text cell when it holds a comma, a quote or a line break.
  static func quoted(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
    return "\"" + text.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
  }
}
