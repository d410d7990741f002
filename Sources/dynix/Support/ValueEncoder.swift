import DynixHistory

/// Encodes an `Encodable` into a `NixValue`, for `JSON.serialize`: the output types in JSONOutput.swift
/// stay plain `Encodable` structs without pulling Foundation's JSONEncoder into every start-up.
/// `nil` optionals are left out (the schema's one way to say "no such value").
struct ValueEncoder {
    static func encode(_ value: some Encodable) throws -> NixValue {
        let box = Box()
        try value.encode(to: Node(box: box, codingPath: []))
        return box.value
    }

    final class Box {
        var value: NixValue = .null
    }

    struct Node: Encoder {
        let box: Box
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .attrs = box.value {} else { box.value = .attrs([:]) }
            return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            box.value = .list([])
            return Unkeyed(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(box: box, codingPath: codingPath) }
    }

    static func child(_ value: some Encodable, codingPath: [any CodingKey]) throws -> NixValue {
        if let nix = value as? NixValue { return nix }
        let box = Box()
        try value.encode(to: Node(box: box, codingPath: codingPath))
        return box.value
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        var codingPath: [any CodingKey]

        func set(_ value: NixValue, _ key: Key) {
            guard case .attrs(var set) = box.value else { return }
            set[key.stringValue] = value
            box.value = .attrs(set)
        }

        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { set(try ValueEncoder.child(value, codingPath: codingPath + [key]), key) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            fatalError("ValueEncoder: nested containers are not used by dynix's output types")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            fatalError("ValueEncoder: nested containers are not used by dynix's output types")
        }
        mutating func superEncoder() -> any Encoder { fatalError("ValueEncoder: no class hierarchies") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { fatalError("ValueEncoder: no class hierarchies") }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey]
        var count: Int {
            guard case .list(let items) = box.value else { return 0 }
            return items.count
        }

        func append(_ value: NixValue) {
            guard case .list(let items) = box.value else { return }
            box.value = .list(items + [value])
        }

        mutating func encodeNil() throws { append(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { append(try ValueEncoder.child(value, codingPath: codingPath)) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            fatalError("ValueEncoder: nested containers are not used by dynix's output types")
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            fatalError("ValueEncoder: nested containers are not used by dynix's output types")
        }
        mutating func superEncoder() -> any Encoder { fatalError("ValueEncoder: no class hierarchies") }
    }

    struct Single: SingleValueEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws { box.value = .null }
        mutating func encode(_ value: Bool) throws { box.value = .bool(value) }
        mutating func encode(_ value: String) throws { box.value = .string(value) }
        mutating func encode(_ value: Double) throws { box.value = .float(value) }
        mutating func encode(_ value: Int) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: Int64) throws { box.value = .int(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { box.value = try ValueEncoder.child(value, codingPath: codingPath) }
    }
}

/// A Nix value in JSON output is itself: the encoder takes it as it is.
extension NixValue: Encodable {
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self)
    }
}
