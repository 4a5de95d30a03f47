// swift-tools-version:6.1
import PackageDescription

// Layers of the system, bottom to top (Docs/ARCHITECTURE.md); dependencies only point down.
let package = Package(
  name: "vqcodec",
  products: [
    // The library for Swift code: encode and decode images and files, measure them (Sources/VQCodec, with DocC).
    .library(name: "VQCodec", targets: ["VQCodec"]),
    .executable(name: "vqcodec", targets: ["vqcodec"]),
    // Every parser's fuzz entry point, for the libFuzzer harness in Tests/Fuzz (a separate package); not API.
    .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
  ],
  // `swift build --traits MPI` (needs libopenmpi-dev): `mpirun -np N vqcodec train …` trains data-parallel.
  traits: [.trait(name: "MPI", description: "Data-parallel training over Open MPI (libopenmpi-dev).")],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    // `swift package generate-documentation --target VQCodec` (CI builds it with warnings as errors).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // MARK: - C shims and system libraries
    .target(name: "CEngine"),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .target(name: "CPNG", linkerSettings: [.linkedLibrary("png"), .linkedLibrary("z")]),
    .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
    .systemLibrary(
      name: "COpenMPI", path: "Sources/COpenMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    // Empty unless the MPI trait is on, so a plain build needs no MPI headers.
    .target(
      name: "CMPI", dependencies: [.target(name: "COpenMPI", condition: .when(traits: ["MPI"]))],
      cSettings: [.define("VQCODEC_MPI", .when(traits: ["MPI"]))]),

    // MARK: - Layers
    .target(name: "Serialization", dependencies: ["CZlib"]),
    .target(name: "Tensors", dependencies: ["CEngine", .product(name: "Numerics", package: "swift-numerics")]),
    .target(name: "Layers", dependencies: ["Tensors", "Serialization"]),
    .target(name: "Quantizers", dependencies: ["Tensors", "Layers"]),
    .target(name: "Bitstream", dependencies: ["Serialization"]),
    .target(name: "Imaging", dependencies: ["CPNG", "CJPEG"]),
    .target(name: "Codec", dependencies: ["Tensors", "Layers", "Quantizers", "Bitstream", "Imaging", "Serialization"]),
    // A target in Samples/ rather than Sources/: SwiftPM takes resources only from inside their target's folder, and
    // the shipped model belongs in Samples/ beside the sample images.
    .target(
      name: "DefaultModel", path: "Samples", exclude: ["Images"], sources: ["DefaultModel.swift"],
      resources: [.copy("default.vqm"), .copy("high.vqm")]),
    // The report measures codecs through Codec's public API only.
    .target(name: "Report", dependencies: ["Codec", "Imaging", "Bitstream", "Quantizers", "Serialization"]),
    .target(name: "Training", dependencies: ["Bitstream", "Codec", "Imaging", "Quantizers", "Serialization"]),
    // `RankGroup` over Open MPI; empty unless the MPI trait is on.
    .target(
      name: "MessagePassing", dependencies: ["Training", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
    // Measurements for developers and papers, not for users' files: the bench-f4 timings and gradient variance.
    .target(
      name: "ResearchTools", dependencies: ["Codec", "Layers", "Quantizers", "Serialization", "Tensors", "Training"]),

    // MARK: - The library users adopt, and its example
    .target(name: "VQCodec", dependencies: ["Codec", "Imaging", "DefaultModel"]),
    .executableTarget(name: "VQCodecExample", dependencies: ["VQCodec"]),

    // MARK: - Executable
    .executableTarget(
      name: "vqcodec",
      dependencies: [
        "Codec", "Report", "ResearchTools", "Training", "DefaultModel", "Serialization",
        .target(name: "MessagePassing", condition: .when(traits: ["MPI"])),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests
    .target(
      name: "FuzzTargets",
      dependencies: ["Bitstream", "Codec", "Imaging", "Layers", "Serialization", "Tensors", "Training"]),
    .target(name: "TestSupport", dependencies: ["Tensors"], path: "Sources/TestSupport"),
    .testTarget(name: "SerializationTests", dependencies: ["Serialization"]),
    .testTarget(name: "TensorsTests", dependencies: ["Tensors", "CEngine", "TestSupport"]),
    .testTarget(name: "LayersTests", dependencies: ["Layers", "Serialization", "TestSupport"]),
    .testTarget(name: "QuantizersTests", dependencies: ["Quantizers", "TestSupport"]),
    .testTarget(name: "BitstreamTests", dependencies: ["Bitstream", "Serialization"]),
    .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"]),
    .testTarget(
      name: "CodecTests", dependencies: ["Codec", "TestSupport", "DefaultModel", "Layers", "Serialization"],
      exclude: ["Fixtures/Golden/regenerate.sh"], resources: [.copy("Fixtures")]),
    .testTarget(name: "ReportTests", dependencies: ["Report", "Serialization", "Codec", "Imaging"]),
    .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
    .testTarget(name: "ResearchToolsTests", dependencies: ["ResearchTools", "Training"]),
    .testTarget(name: "VQCodecTests", dependencies: ["VQCodec", "TestSupport"]),
    .testTarget(name: "vqcodecTests", dependencies: ["Codec", "Imaging", "DefaultModel", "TestSupport"]),
    .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets"], resources: [.copy("Corpus")]),
  ],
  swiftLanguageModes: [.v6]
)
