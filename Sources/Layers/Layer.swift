import Tensors

/// A piece of a network that owns parameters and maps one variable to another on a tape.
public protocol Layer: AnyObject {
  /// The trainable variables, in a fixed order (parameter files and optimizers rely on it).
  var parameters: [Variable] { get }
  func callAsFunction(_ x: Variable, on tape: Tape) -> Variable
}

extension Layer {
  /// Prefixes each parameter's name, so that saved files read `encoder.conv1.weight`.
  public func nameParameters(_ prefix: String) {
    for p in parameters where !p.name.hasPrefix(prefix) { p.name = prefix + "." + p.name }
  }
}
