// swift-tools-version:6.0
import PackageDescription

// libFuzzer harness for every parser of untrusted bytes (FuzzTargets in the main package); run it with ./run.sh.
let package = Package(
  name: "ParserFuzz",
  dependencies: [.package(name: "vqcodec", path: "../..")],
  targets: [
    .executableTarget(
      name: "ParserFuzz",
      dependencies: [.product(name: "FuzzTargets", package: "vqcodec")])
  ],
  swiftLanguageModes: [.v6]
)
