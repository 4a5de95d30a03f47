import Foundation

/// A JSON document built in code and printed with stable key order: the one JSON writer of the program (reports,
/// the training log, model notes, `info --json`, the bench and research tools). Non-finite numbers print as `null`.
public enum JSONValue: Sendable {
  case null
  case bool(Bool)
  /// Printed in Swift's shortest round-tripping form, or with `significantDigits` (`%g`) where a log wants brevity.
  case number(Double, significantDigits: Int? = nil)
  case integer(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])
  /// Text already known to be one well-formed JSON value (a model's notes that parsed as an object), pasted as is.
  case verbatim(String)

  public static func number(_ value: Double?, significantDigits: Int? = nil) -> JSONValue {
    value.map { .number($0, significantDigits: significantDigits) } ?? .null
  }

  /// Objects one key per line; arrays of scalars on one line.
  public func rendered(indent: String = "") -> String {
    let inner = indent + "  "
    switch self {
    case .array(let items) where !items.allSatisfy(\.isScalar):
      return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
    case .object(let fields) where !fields.isEmpty:
      return "{\n"
        + fields.map { inner + Self.quoted($0.0) + ": " + $0.1.rendered(indent: inner) }.joined(separator: ",\n")
        + "\n\(indent)}"
    default:
      return line
    }
  }

  /// The whole value on one line (`{"a": 1, "b": [2, 3]}`): a JSON Lines record.
  public var line: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .number(let x, let digits):
      !x.isFinite ? "null" : digits.map { String(format: "%.\($0)g", x) } ?? "\(x)"
    case .integer(let n): "\(n)"
    case .string(let s): Self.quoted(s)
    case .array(let items): "[" + items.map(\.line).joined(separator: ", ") + "]"
    case .object(let fields): "{" + fields.map { Self.quoted($0.0) + ": " + $0.1.line }.joined(separator: ", ") + "}"
    case .verbatim(let text): text
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: false
    default: true
    }
  }

  /// `s` as a JSON string literal, quotes included.
  public static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// Whether `text` parses as a JSON object (Foundation's parser: reading JSON is not ours to write).
  public static func isObject(_ text: String) -> Bool {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any]
  }
}
