import ArgumentParser
import Codec
import Dispatch
import Foundation
import ResearchTools
import Serialization
import Tensors
import Training

struct GradientVarianceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradient-variance",
    abstract:
      "Measure the noise of each estimator's gradient of the encoder's parameters (one JSON line per estimator).",
    discussion: """
      Same batch: --samples gradients on ONE fixed batch (only the estimator's sampling differs; straight-through \
      is deterministic, variance 0). Across batches: one gradient on each of --batches different batches (the \
      noise SGD sees). Reports the mean gradient's norm, the total variance (sum of per-coordinate variances), \
      the signal-to-noise ratio ‖mean‖²/variance (also debiased for the finite sample count) and the cosine of \
      each estimator's mean gradient with the others'. Every estimator sees the same batches.
      A straight-through --model measured as gumbel or reinforce is transplanted: same encoder, decoder and \
      codebook, logits −‖z − e_k‖²/T (T = --logit-temperature), so all estimators are measured at one point.
      """)

  @Argument(help: "Folder of training images (the batches are random crops, as in training).") var folder: String
  @Option(help: "Model file (.vqm) to measure at; without it a fresh model of --preset.") var model: String?
  @Option(help: "Architecture of a fresh model: \(ModelConfiguration.presets.keys.sorted().joined(separator: ", ")).")
  var preset = "bench-f4"
  @Option(help: "Comma-separated: straight-through, gumbel, reinforce, reinforce-no-baseline, or all.") var estimator =
    "all"
  @Option(help: "Gradients on the fixed batch, per estimator.") var samples = 32
  @Option(help: "Different batches for the across-batch variance (default: --samples).") var batches: Int?
  @Option(help: "Images per batch.") var batch = 16
  @Option(help: "Crop size in pixels.") var crop = 64
  @Option(help: "Seed of the batches, the estimators' samples and fresh models.") var seed: UInt64 = 0
  @Option(help: "Gumbel-softmax temperature τ.") var temperature: Float = 1
  @Option(
    help: "Transplant: T of q(k|x) ∝ exp(−‖z − e_k‖²/T) (default: the mean nearest-code distance on the fixed batch).")
  var logitTemperature: Float?
  @Option(help: "REINFORCE: batches that warm the running baseline up before it is frozen.") var baselineWarmup = 10
  @OptionGroup var threadOptions: ThreadOptions

  func validate() throws {
    guard samples >= 2, (batches ?? samples) >= 2 else {
      throw ValidationError("--samples and --batches must be at least 2")
    }
    guard batch >= 1, (8...1024).contains(crop), temperature > 0, baselineWarmup >= 0 else {
      throw ValidationError("--batch must be positive, --crop in 8...1024, --temperature positive")
    }
    if let logitTemperature, logitTemperature <= 0 { throw ValidationError("--logit-temperature must be positive") }
    if model == nil, ModelConfiguration.presets[preset] == nil { throw ValidationError("unknown --preset \(preset)") }
    _ = try variants()
  }

  func variants() throws -> [EstimatorVariant] {
    if estimator == "all" { return EstimatorVariant.allCases }
    return try estimator.split(separator: ",").map { name in
      guard let v = EstimatorVariant(rawValue: String(name)) else {
        throw ValidationError(
          "--estimator: unknown \(name) (straight-through, gumbel, reinforce, reinforce-no-baseline, all)")
      }
      return v
    }
  }

  func run() throws {
    threadOptions.apply()
    let variants = try variants()
    let modelBytes = try model.map { try readFile($0) }
    let source = try modelBytes.map { bytes in
      do { return try ModelFile.parse(bytes).model } catch { throw CommandFailure("\(model!): \(error)") }
    }
    let configuration = source?.configuration ?? ModelConfiguration.presets[preset]!
    guard crop % configuration.downsampling == 0 else {
      throw ValidationError(
        "--crop must be a multiple of the model's downsampling factor \(configuration.downsampling)")
    }
    let dataset = try ImageDataset(folder: folder, crop: crop)
    var options = TrainingOptions(configuration: configuration)
    (options.batch, options.crop, options.seed) = (batch, crop, seed)

    // Separate streams, so every estimator sees the same fixed batch, the same other batches and the same warm-up.
    var batchRNG = SplitMix64(seed: seed)
    let fixedBatch = dataset.batch(count: batch, crop: crop, using: &batchRNG)
    typealias EstimatorResult = (
      variant: EstimatorVariant, fields: [(String, JSONValue)], same: GradientStatistics, across: GradientStatistics
    )
    var results: [EstimatorResult] = []

    for variant in variants {
      let start = DispatchTime.now().uptimeNanoseconds
      var fields: [(String, JSONValue)] = [("estimator", .string(variant.rawValue))]
      let measured: VQModel
      if let modelBytes, let source {
        fields.append(("model", .string(model!)))
        if source.estimator == variant.estimator {
          measured = try ModelFile.parse(modelBytes).model
          fields.append(("point", .string("own")))
        } else if source.estimator == .straightThrough {
          let t = logitTemperature ?? source.meanNearestDistance(on: fixedBatch)
          measured = VQModel.transplanted(from: source, to: variant.estimator, logitTemperature: t)
          fields.append(("point", .string("transplanted from straight-through")))
          fields.append(("logit_temperature", number(Double(t))))
        } else {
          throw CommandFailure(
            "a \(source.estimator) model cannot be measured as \(variant.rawValue) "
              + "(only straight-through models transplant)"
          )
        }
      } else {
        var rng = SplitMix64(seed: seed)
        measured = VQModel(configuration, estimator: variant.estimator, using: &rng)
        fields.append(("model", .string("fresh \(preset), seed \(seed)")))
        fields.append(("point", .string("initialisation")))
      }
      let meter = GradientVariance(model: measured, variant: variant, options: options, dataset: dataset)
      if variant == .gumbel {
        meter.gumbelTemperature = temperature
        fields.append(("gumbel_temperature", number(Double(temperature))))
      }
      var sampleRNG = SplitMix64(seed: seed &+ 2)
      meter.prepare(on: fixedBatch, using: &sampleRNG)
      var warmRNG = SplitMix64(seed: seed &+ 3)
      meter.warmUpBaseline(batches: baselineWarmup, using: &warmRNG)
      if variant.estimator == .reinforce {
        fields.append(("baseline", meter.baseline?.value.map { number(Double($0)) } ?? .null))
      }
      let (entropy, logLikelihood) = meter.diagnostics(on: fixedBatch)
      fields += [
        ("batch", .integer(batch)), ("crop", .integer(crop)), ("encoder_parameters", .integer(meter.parameterCount)),
        ("entropy", number(Double(entropy))), ("log_likelihood_mode", number(Double(logLikelihood))),
      ]
      printNotice("\(variant.rawValue): \(samples) gradients on the fixed batch")
      let same = meter.sameBatch(fixedBatch, samples: samples, using: &sampleRNG)
      printNotice("\(variant.rawValue): \(batches ?? samples) gradients on different batches")
      var otherRNG = SplitMix64(seed: seed &+ 1)
      let across = meter.acrossBatches(batches ?? samples, using: &otherRNG)
      fields.append(("seconds", number(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)))
      results.append((variant, fields, same, across))
    }

    for r in results {
      var fields = r.fields
      fields.append(("same_batch", summary(r.same)))
      fields.append(("across_batches", summary(r.across)))
      fields.append(("cosine_same_batch", cosines(results.map { ($0.variant, r.same.cosine(with: $0.same)) })))
      fields.append(
        ("cosine_across_batches", cosines(results.map { ($0.variant, r.across.cosine(with: $0.across)) })))
      print(JSONValue.object(fields).line)
    }
  }

  private func cosines(_ values: [(EstimatorVariant, Double)]) -> JSONValue {
    .object(values.map { ($0.0.rawValue, number($0.1)) })
  }

  private func summary(_ s: GradientStatistics) -> JSONValue {
    .object([
      ("samples", .integer(s.samples)), ("mean_norm", number(s.meanNorm)),
      ("mean_sample_norm", number(s.meanSampleNorm)), ("total_variance", number(s.totalVariance)),
      ("snr", number(s.signalToNoise)), ("snr_debiased", number(s.signalToNoiseDebiased)),
    ])
  }
}

/// A measured value (`null` when not finite: an infinite signal-to-noise ratio of a deterministic estimator).
private func number(_ x: Double) -> JSONValue { .number(x, significantDigits: 6) }
