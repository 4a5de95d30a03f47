import Serialization

/// The JSON rendering: CompressAI's results shape (`name`, `description`, `results` with one entry per operating
/// point), followed by what CompressAI has no place for: the operating points, the JPEG curve at matched rate,
/// the reference codecs' curves (each in CompressAI's shape) with our BD-rate against them, codebook usage and the
/// per-image rows.
public enum ReportJSON {
  public static func render(_ report: Report) -> String {
    let s = report.summaries
    let document = JSONValue.object([
      ("name", .string(report.name)),
      ("description", .string(report.description)),
      (
        "results",
        .object([
          ("psnr-rgb", .array(s.map { .number($0.ours.psnr) })),
          ("ms-ssim-rgb", .array(s.map { .number($0.ours.msSSIM) })),
          ("bpp", .array(s.map { .number($0.ours.bitsPerPixel) })),
          ("encoding_time", .array(s.map { .number($0.encodeSeconds) })),
          ("decoding_time", .array(s.map { .number($0.decodeSeconds) })),
        ])
      ),
      ("operating_points", .array(s.map(operatingPoint))),
      (
        "jpeg",
        .object([
          ("name", .string("JPEG at matched rate")),
          (
            "description",
            .string(
              "libjpeg-turbo baseline 4:2:0, optimised Huffman; per image the quality whose bpp is closest to ours")
          ),
          (
            "results",
            .object([
              ("psnr-rgb", .array(s.map { .number($0.jpeg.psnr) })),
              ("ms-ssim-rgb", .array(s.map { .number($0.jpeg.msSSIM) })),
              ("bpp", .array(s.map { .number($0.jpeg.bitsPerPixel) })),
              ("quality", .array(s.map { .number($0.jpegQuality) })),
            ])
          ),
        ])
      ),
      ("references", .array(report.references.map { reference($0, report) })),
      ("codebook_usage", .array(report.codebookUsage.map(usage))),
      ("images", .array(report.measurements.map(image))),
      ("reference_images", .array(report.referenceMeasurements.map(referenceImage))),
    ])
    return document.rendered() + "\n"
  }

  static func operatingPoint(_ s: OperatingPointSummary) -> JSONValue {
    .object([
      ("model", .string(s.operatingPoint.modelName)), ("stages", .integer(s.operatingPoint.stages)),
      ("quality", s.operatingPoint.quality.map { .number($0) } ?? .null),
      ("images", .integer(s.imageCount)), ("ms_ssim_images", .integer(s.msSSIMImageCount)),
      ("bits_per_latent_fixed", .number(s.bitsPerLatentFixed)),
      ("bits_per_latent_coded", .number(s.bitsPerLatentCoded)),
      ("compression_ratio_raw", .number(s.compressionRatioToRaw)),
      ("compression_ratio_source", .number(s.compressionRatioToSource)),
    ])
  }

  static func reference(_ curve: ReferenceCurve, _ report: Report) -> JSONValue {
    let deltas = report.bjontegaardDeltas.filter { $0.referenceName == curve.codecName }
    return .object([
      ("name", .string(curve.codecName)), ("description", .string(curve.codecDescription)),
      (
        "results",
        .object([
          ("psnr-rgb", .array(curve.points.map { .number($0.psnr) })),
          ("ms-ssim-rgb", .array(curve.points.map { .number($0.msSSIM) })),
          ("bpp", .array(curve.points.map { .number($0.bitsPerPixel) })),
          ("setting", .array(curve.settings.map { .number($0) })),
        ])
      ),
      (
        "bd_rate",
        .array(
          deltas.map { entry in
            .object([
              ("model", .string(entry.modelName)), ("percent", .number(entry.delta?.rate)),
              (
                "psnr_range",
                entry.delta.map { .array([.number($0.psnrRange.lowerBound), .number($0.psnrRange.upperBound)]) }
                  ?? .null
              ),
            ])
          })
      ),
    ])
  }

  static func referenceImage(_ m: ReferenceMeasurement) -> JSONValue {
    .object([
      ("image", .string(m.imageName)), ("codec", .string(m.codecName)), ("setting", .number(m.setting)),
      ("bytes", .integer(m.byteCount)), ("bpp", .number(m.bitsPerPixel)), ("psnr-rgb", .number(m.psnr)),
      ("ms-ssim-rgb", .number(m.msSSIM)),
    ])
  }

  static func usage(_ model: ModelCodebookUsage) -> JSONValue {
    .object([
      ("model", .string(model.modelName)),
      (
        "stages",
        .array(
          model.stages.enumerated().map { stage, u in
            .object([
              ("stage", .integer(stage + 1)), ("codebook_size", .integer(u.codes)),
              ("codes_used", .integer(u.usedCodes)),
              ("perplexity", .number(u.perplexity)), ("entropy_bits", .number(u.entropyBits)),
              ("log2_codebook_size", .number(u.maximumEntropyBits)),
            ])
          })
      ),
    ])
  }

  static func image(_ m: ImageMeasurement) -> JSONValue {
    .object([
      ("image", .string(m.imageName)), ("width", .integer(m.width)), ("height", .integer(m.height)),
      ("source_bytes", .integer(m.sourceByteCount)), ("model", .string(m.operatingPoint.modelName)),
      ("stages", .integer(m.operatingPoint.stages)), ("quality", m.operatingPoint.quality.map { .number($0) } ?? .null),
      ("bytes", .integer(m.rates.byteCount)),
      ("latents", .integer(m.rates.latentCount)), ("bits_per_latent_fixed", .number(m.rates.bitsPerLatentFixed)),
      ("bits_per_latent_coded", .number(m.rates.bitsPerLatentCoded)), ("bpp", .number(m.bitsPerPixel)),
      ("compression_ratio_raw", .number(m.compressionRatioToRaw)),
      ("compression_ratio_source", .number(m.compressionRatioToSource)),
      ("psnr-rgb", .number(m.psnr)), ("ms-ssim-rgb", .number(m.msSSIM)),
      ("encoding_time", .number(m.encodeSeconds)), ("decoding_time", .number(m.decodeSeconds)),
      (
        "jpeg",
        .object([
          ("quality", .integer(m.jpeg.quality)), ("bytes", .integer(m.jpeg.byteCount)),
          ("bpp", .number(m.jpeg.bitsPerPixel)),
          ("psnr-rgb", .number(m.jpeg.psnr)), ("ms-ssim-rgb", .number(m.jpeg.msSSIM)),
        ])
      ),
    ])
  }
}
