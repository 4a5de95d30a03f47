import Foundation
import Testing

@testable import FuzzTargets

/// The committed seeds, by target: what libFuzzer starts from in CI (`Tests/Fuzz/run.sh`).
private func seeds(_ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
  let folder = try #require(Bundle.module.url(forResource: "Corpus/\(target.rawValue)", withExtension: nil))
  return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
    (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
  }
}

/// Every seed runs through its target without trapping, and every target has seeds to start from.
@Test(arguments: FuzzTarget.allCases)
func seedsRunThroughTheirTarget(_ target: FuzzTarget) throws {
  let all = try seeds(target)
  #expect(all.count >= 2, "\(target) has \(all.count) seeds")
  for seed in all { target.run(seed.bytes) }
}

/// The seeds are valid files (so mutations start inside the format, past its checksums), and each one, cut short
/// or with a byte flipped, throws or succeeds without trapping (a trap would end the test run).
@Test(arguments: FuzzTarget.allCases)
func seedsAreValidAndTheirDamageOnlyThrows(_ target: FuzzTarget) throws {
  for seed in try seeds(target) {
    #expect(target.accepts(seed.bytes), "\(target) seed \(seed.name) is refused")
    for cut in [0, 1, seed.bytes.count / 2, seed.bytes.count - 1] { target.run(Array(seed.bytes.prefix(cut))) }
    for position in stride(from: 0, to: seed.bytes.count, by: max(1, seed.bytes.count / 64)) {
      var damaged = seed.bytes
      damaged[position] ^= 0x5A
      target.run(damaged)
    }
  }
}

/// Mutations of a version 2 `.vq` file get their chained checksums repaired, so the fuzzer reaches the payloads.
@Test func repairedChecksumsLetMutationsPastTheCRCs() throws {
  let seed = try #require(try seeds(.vq).first { $0.name == "sample-v2-3.vq" }).bytes
  var damaged = seed
  damaged[60] ^= 0x01  // inside stage 0's payload
  #expect(!FuzzTarget.vq.accepts(damaged))
  #expect(VQStageBlocks.withCorrectCRCs(seed) == seed)
  let repaired = VQStageBlocks.withCorrectCRCs(damaged)
  #expect(repaired != seed && FuzzTarget.vq.accepts(repaired))
}
