import Foundation
import Serialization
import Testing

@Suite struct JSONValueTests {
  @Test func stringsEscapeQuotesBackslashesAndControlCharacters() throws {
    let text = JSONValue.array([.string("a\"b\\c\nd\u{01}"), .number(.nan), .integer(3)]).rendered()
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any])
    #expect(parsed[0] as? String == "a\"b\\c\nd\u{01}")
    #expect(parsed[1] is NSNull)
    #expect(parsed[2] as? Int == 3)
  }

  @Test func aLineIsOneRecordWithKeysInOrder() {
    let value = JSONValue.object([
      ("step", .integer(7)), ("loss", .number(0.123456789, significantDigits: 3)), ("lr", .number(nil)),
      ("tags", .array([.bool(true), .string("x")])), ("notes", .verbatim("{\"a\": 1}")),
    ])
    #expect(
      value.line == "{\"step\": 7, \"loss\": 0.123, \"lr\": null, \"tags\": [true, \"x\"], \"notes\": {\"a\": 1}}")
  }

  @Test func renderedPutsOneKeyPerLineAndScalarArraysOnOne() {
    let value = JSONValue.object([("a", .array([.integer(1), .integer(2)])), ("b", .object([("c", .null)]))])
    #expect(value.rendered() == "{\n  \"a\": [1, 2],\n  \"b\": {\n    \"c\": null\n  }\n}")
  }

  @Test func numbersRoundTripExactlyUnlessDigitsAreAsked() {
    #expect(JSONValue.number(0.1).line == "0.1")
    #expect(JSONValue.number(1e300).line == "1e+300")
    #expect(JSONValue.number(-.infinity).line == "null")
  }

  @Test func isObjectAcceptsOnlyAWellFormedObject() {
    #expect(JSONValue.isObject("{\"a\": [1, 2]}"))
    #expect(!JSONValue.isObject("[1]"))
    #expect(!JSONValue.isObject("{\"a\": "))
    #expect(!JSONValue.isObject("free text"))
  }
}
