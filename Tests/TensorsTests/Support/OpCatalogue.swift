import Tensors
import Testing

/// Every op on small inputs away from kinks, for the cross-cutting tests (inference tape, determinism).
struct OpCase: Sendable, CustomTestStringConvertible {
  let name: String
  let inputs: [Tensor]
  let apply: @Sendable (Tape, [Variable]) -> Variable
  var testDescription: String { name }

  static let all: [OpCase] = {
    let x = randomTensor([2, 5, 4, 3], seed: 101)
    let kinkless = randomAwayFromZero([2, 5, 4, 3], seed: 102, magnitude: 0.2...1.2)
    let positive = randomTensor([2, 5, 4, 3], seed: 103, in: 0.3...2)
    let bias = randomTensor([3], seed: 104)
    return [
      OpCase(name: "conv2d", inputs: [x, randomTensor([3, 3, 3, 2], seed: 105), randomTensor([2], seed: 106)]) {
        $0.conv2d($1[0], weight: $1[1], bias: $1[2], stride: 2, padding: 1)
      },
      OpCase(name: "conv2d 1×1", inputs: [x, randomTensor([1, 1, 3, 4], seed: 107), randomTensor([4], seed: 108)]) {
        $0.conv2d($1[0], weight: $1[1], bias: $1[2])
      },
      OpCase(
        name: "convTranspose2d", inputs: [x, randomTensor([4, 4, 2, 3], seed: 109), randomTensor([2], seed: 110)]
      ) {
        $0.convTranspose2d($1[0], weight: $1[1], bias: $1[2], stride: 2, padding: 1)
      },
      OpCase(name: "matmul", inputs: [randomTensor([3, 5], seed: 111), randomTensor([5, 2], seed: 112)]) {
        $0.matmul($1[0], $1[1])
      },
      OpCase(name: "add same shape", inputs: [x, kinkless]) { $0.add($1[0], $1[1]) },
      OpCase(name: "add bias", inputs: [x, bias]) { $0.add($1[0], $1[1]) },
      OpCase(name: "subtract [N,1,1,C]", inputs: [x, randomTensor([2, 1, 1, 3], seed: 113)]) {
        $0.subtract($1[0], $1[1])
      },
      OpCase(name: "multiply scalar", inputs: [x, Tensor(1.7)]) { $0.multiply($1[0], $1[1]) },
      OpCase(name: "divide", inputs: [x, kinkless]) { $0.divide($1[0], $1[1]) },
      OpCase(name: "scaled", inputs: [x]) { $0.scaled($1[0], by: -0.7) },
      OpCase(name: "relu", inputs: [kinkless]) { $0.relu($1[0]) },
      OpCase(name: "exp", inputs: [x]) { $0.exp($1[0]) },
      OpCase(name: "log", inputs: [positive]) { $0.log($1[0]) },
      OpCase(name: "square", inputs: [x]) { $0.square($1[0]) },
      OpCase(name: "clamp", inputs: [kinkless]) { $0.clamp($1[0], -0.1, 0.1) },
      OpCase(name: "sum", inputs: [x]) { $0.sum($1[0]) },
      OpCase(name: "mean", inputs: [x]) { $0.mean($1[0]) },
      OpCase(name: "sum axis 2", inputs: [x]) { $0.sum($1[0], axis: 2) },
      OpCase(name: "mean axis 3", inputs: [x]) { $0.mean($1[0], axis: 3) },
      OpCase(name: "meanSquaredError", inputs: [x, kinkless]) { $0.meanSquaredError($1[0], $1[1]) },
      OpCase(name: "softmax", inputs: [x]) { $0.softmax($1[0]) },
      OpCase(name: "logSoftmax", inputs: [x]) { $0.logSoftmax($1[0]) },
      OpCase(name: "gatherRows", inputs: [randomTensor([5, 3], seed: 114)]) {
        $0.gatherRows($1[0], indices: [4, 0, 4, 2])
      },
      OpCase(name: "reshaped", inputs: [x]) { $0.reshaped($1[0], to: [10, 12]) },
      OpCase(name: "permuted", inputs: [x]) { $0.permuted($1[0], [0, 3, 1, 2]) },
      OpCase(name: "concatenated", inputs: [x, kinkless]) { $0.concatenated([$1[0], $1[1]], axis: 3) },
      OpCase(
        name: "small network",
        inputs: [
          randomTensor([2, 5, 5, 3], seed: 115), randomTensor([3, 3, 3, 4], seed: 116),
          randomTensor([3, 3, 3, 4], seed: 117),
        ]
      ) { tape, v in
        let h = tape.relu(tape.conv2d(v[0], weight: v[1], bias: nil, stride: 2, padding: 1))  // [2, 3, 3, 4]
        let y = tape.convTranspose2d(h, weight: v[2], bias: nil, stride: 2, padding: 1)  // [2, 5, 5, 3]
        return tape.add(tape.meanSquaredError(y, v[0]), tape.mean(tape.logSoftmax(h)))
      },
    ]
  }()
}
