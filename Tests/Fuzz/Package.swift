// swift-tools-version:6.0
import PackageDescription

// libFuzzer harness for the .vq parser and index-grid decoders; run it with ./run.sh SECONDS.
let package = Package(
  name: "BitstreamFuzz",
  dependencies: [.package(name: "vqcodec", path: "../..")],
  targets: [
    .executableTarget(
      name: "BitstreamFuzz",
      dependencies: [.product(name: "Bitstream", package: "vqcodec")])
  ],
  swiftLanguageModes: [.v5]
)
