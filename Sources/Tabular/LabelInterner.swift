import Foundation

/// Assigns consecutive codes to distinct byte strings, looking them up by their raw bytes.
///
/// Reading a categorical column means one lookup per cell, millions of them in a large file. A
/// Swift `Dictionary<String, Int32>` would build a `String` and hash it with SipHash (after Unicode
/// normalization) for every cell; this open-addressing table hashes the bytes with FNV-1a and
/// compares them with `memcmp`, and builds a `String` only once per distinct label. Byte equality
/// is the right notion here: the reader has already checked the text is UTF-8, and two
/// differently normalized spellings of a label are different labels in the file.
struct LabelInterner {
    private var slots: [Int32]            // code + 1, or 0 for empty
    private var hashes: [UInt64]          // per code
    private var keys: [[UInt8]]           // per code
    private(set) var labels: [String] = []

    init(expectedCount: Int = 64) {
        var capacity = 64
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = [Int32](repeating: 0, count: capacity)
        hashes = []
        keys = []
    }

    /// FNV-1a, 64-bit.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<length { h = (h ^ UInt64(p[k])) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The code of the label spelled by `p[0..<length]`, adding it if new. `makeLabel` builds the
    /// label's text the first time it is seen (and may throw, e.g. for invalid UTF-8).
    @inline(__always)
    mutating func code(_ p: UnsafePointer<UInt8>, _ length: Int, makeLabel: () throws -> String) rethrows -> Int32 {
        let h = Self.hash(p, length)
        var mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
            let c = Int(slots[i] - 1)
            if hashes[c] == h && keys[c].count == length
                && keys[c].withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, length) == 0 }) {
                return Int32(c)
            }
            i = (i + 1) & mask
        }
        let label = try makeLabel()
        let c = Int32(labels.count)
        labels.append(label)
        hashes.append(h)
        keys.append(Array(UnsafeBufferPointer(start: p, count: length)))
        slots[i] = c + 1
        if labels.count * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for (k, hk) in hashes.enumerated() {
                var j = Int(truncatingIfNeeded: hk) & mask
                while slots[j] != 0 { j = (j + 1) & mask }
                slots[j] = Int32(k + 1)
            }
        }
        return c
    }
}
