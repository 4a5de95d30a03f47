import ArgumentParser
import Codec
import DefaultModel
import Foundation
import Imaging
import Report

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Measure models on images: rates, PSNR, MS-SSIM, timings, codebook usage, and BD-rate against JPEG, WebP, AVIF.",
    discussion: "Every aggregate is the mean of per-image values; bpp counts the whole .vq file. See Docs/REPORT.md.")

  @Argument(help: "Images (PNG or JPEG) and folders (searched recursively).") var paths: [String]
  @Option(
    name: .shortAndLong,
    help: "Model: a .vqm file or a shipped model (default, high); repeat to compare models. Default: default.")
  var model: [String] = []
  @Option(
    help: ArgumentHelp(
      "Qualities to measure per model (0...100), as a list such as 10,50,90. Default: the model's whole range.",
      discussion: "The default sweep takes at least 7 evenly spaced qualities from 0 to 100, among them every "
        + "whole-stage file."))
  var quality: String?
  @Option(help: "Measure whole stages instead of qualities: a list of stage counts such as 1,2,3, or all.")
  var stages: String?
  @Option(help: "Write CompressAI-style JSON results, per-image rows and the JPEG curve to this file.") var json:
    String?
  @Option(help: "Write one CSV row per image and operating point to this file.") var csv: String?
  @Option(help: "Write a self-contained HTML page (charts, tables, pictures) to this file.") var html: String?
  @Option(
    help: ArgumentHelp(
      "Reference codecs to sweep on every image, or none: jpeg (in process), webp (cwebp), avif (avifenc), jxl (cjxl).",
      discussion: "A codec whose tools are not installed is skipped with a notice."))
  var references = "jpeg,webp,avif,jxl"
  @Option(help: "Another curve for the HTML charts: CompressAI results JSON or rd_baseline.py output; repeatable.")
  var compare: [String] = []
  @Option(help: "Refinement steps for every quality point, as encode --effort (\(ImageCodec.effortRange)). Default: 0.")
  var effort = 0
  @Flag(help: "Overwrite output files that exist.") var force = false
  @OptionGroup var threadOptions: ThreadOptions

  func validate() throws {
    if !ImageCodec.effortRange.contains(effort) {
      throw ValidationError("--effort must lie in \(ImageCodec.effortRange)")
    }
    if effort > 0 && stages != nil {
      throw ValidationError("--effort refines quality points: --stages measures the nearest codes")
    }
    _ = try pointSelection()
    _ = try referenceSelection()
  }

  func run() throws {
    for output in [json, csv, html].compactMap({ $0 }) {
      for input in paths { try checkOutput(output, input: input, force: force) }
    }
    threadOptions.apply()
    let codecs = try loadCodecs()
    let selection = try pointSelection()
    for named in codecs where selection.points(modelName: named.name, stageCount: named.codec.stageCount).isEmpty {
      throw CommandFailure(
        "model \(named.name) has \(named.codec.stageCount) stages; --stages \(stages ?? "") selects none of them")
    }
    let comparisonCurves = try compare.flatMap(ComparisonCurveFile.read)
    let sources = try ImageSourceList(paths: paths).entries
    let referenceCodecs = try availableReferences()
    let evaluator = ReportEvaluator(
      codecs: codecs, selection: selection, references: referenceCodecs, referenceThreads: threadOptions.threads,
      effort: effort)
    let progress = ReportProgress(total: sources.count)
    var measurements: [ImageMeasurement] = []
    var figures: [ImageFigure] = []
    var referenceMeasurements: [ReferenceMeasurement] = []
    for (done, source) in sources.enumerated() {
      let evaluation = try evaluator.evaluate(try loadImage(source.name, path: source.path))
      measurements += evaluation.measurements
      referenceMeasurements += evaluation.referenceMeasurements
      if html != nil { figures.append(try ImageFigure(evaluation: evaluation)) }
      progress.advance(done: done + 1, name: source.name)
    }
    let report = Report(
      name: "vqcodec " + codecs.map(\.name).joined(separator: ", "),
      description: "\(sources.count) images from \(paths.joined(separator: ", ")); models: "
        + codecs.map { "\($0.name) (\(hexFingerprint($0.codec)))" }.joined(separator: ", ")
        + (effort > 0 ? "; latents refined in \(effort) steps (--effort)" : "")
        + "; means of per-image values; bpp counts the whole .vq file",
      operatingPoints: evaluator.operatingPoints, measurements: measurements, codebookUsage: evaluator.codebookUsage,
      referenceCodecs: referenceCodecs, referenceMeasurements: referenceMeasurements)
    print(ReportTable.render(report), terminator: "")
    if let json { try AtomicFile.write(Array(ReportJSON.render(report).utf8), to: json) }
    if let csv { try AtomicFile.write(Array(ReportCSV.render(report).utf8), to: csv) }
    if let html {
      try AtomicFile.write(
        Array(ReportHTML.render(report, figures: figures, comparisonCurves: comparisonCurves).utf8), to: html)
    }
  }

  private func pointSelection() throws -> PointSelection {
    switch (quality, stages) {
    case (.some, .some): throw ValidationError("--quality and --stages choose the points differently: give one")
    case (nil, nil): return .qualitySweep
    case (nil, "all"): return .allStages
    case (nil, .some(let stages)):
      let counts = stages.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
        throw ValidationError("--stages must be 'all' or a list of positive counts such as 1,2,3")
      }
      return .stageCounts(counts.map { $0! })
    case (.some(let quality), nil):
      let qualities = quality.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard !qualities.isEmpty, qualities.allSatisfy({ $0.map(ImageCodec.qualityRange.contains) ?? false }) else {
        throw ValidationError("--quality must be a list of qualities in 0...100 such as 10,50,90")
      }
      return .qualities(qualities.map { $0! })
    }
  }

  private func referenceSelection() throws -> [ReferenceCodec] {
    if references == "none" { return [] }
    return try references.split(separator: ",").map { name in
      let name = name.trimmingCharacters(in: .whitespaces).lowercased()
      guard let codec = ReferenceCodec.all.first(where: { $0.optionName == name }) else {
        throw ValidationError(
          "--references takes none or a list of \(ReferenceCodec.all.map(\.optionName).joined(separator: ", ")); "
            + "got '\(name)'")
      }
      return codec
    }
  }

  /// The selected reference codecs whose tools are installed; a notice for each one that is not.
  private func availableReferences() throws -> [ReferenceCodec] {
    try referenceSelection().filter { codec in
      guard let missing = codec.missingTools else { return true }
      printNotice(
        "\(missing.tools.joined(separator: " and ")) not found: no \(codec.name) curve "
          + "(apt-get install \(missing.package))")
      return false
    }
  }

  /// The models, named by file name without extension (by path when two would share a name).
  private func loadCodecs() throws -> [NamedCodec] {
    if model.isEmpty {
      do { return [NamedCodec(name: "default", codec: try ImageCodec(modelBytes: try DefaultModel.bytes()))] } catch {
        throw CommandFailure("default model: \(error)")
      }
    }
    let baseNames = model.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
    let names = Set(baseNames).count == baseNames.count ? baseNames : model
    return try zip(names, model).map { name, path in
      do { return NamedCodec(name: name, codec: try ImageCodec(modelBytes: try modelBytes(path))) } catch let error
        as CodecError
      {
        throw CommandFailure("\(path): \(error)")
      }
    }
  }

  private func loadImage(_ name: String, path: String) throws -> ReportImage {
    let bytes = try readFile(path)
    let decoded = try ImageFile.decode(data: bytes, name: path)
    for change in decoded.changes { printNotice("\(path): \(change)") }
    return ReportImage(name: name, image: decoded.image, sourceByteCount: bytes.count)
  }

  private func hexFingerprint(_ codec: ImageCodec) -> String {
    hexString(codec.fingerprint.prefix(8))
  }
}
