import COpenSSL
import Foundation
import Tabular

/// Where a report came from, as its footer states it: the data file (name and SHA-256, so a
/// reader can check that a report belongs to a file), the command line that made it, the
/// version of alliance (with the commit it was built from), the date, and the sources of the
/// methods it used.
public struct ReportProvenance: Sendable, Equatable {
    /// The data file as the user named it, and its SHA-256 in hexadecimal (nil without a file:
    /// simulated data).
    public var dataFile: String?
    public var dataSHA256: String?
    /// The command line, arguments quoted as a shell needs them.
    public var commandLine: String
    /// `alliance 0.1.0 (commit 1488919a2b3c, 2026-11-30)`.
    public var version: String
    /// When the report was made, ISO 8601 in UTC (`2026-12-01T09:30:00Z`).
    public var date: String
    /// The methods' sources, one citation each.
    public var sources: [String]

    public init(dataFile: String?, dataSHA256: String?, commandLine: String, version: String, date: String, sources: [String] = []) {
        self.dataFile = dataFile
        self.dataSHA256 = dataSHA256
        self.commandLine = commandLine
        self.version = version
        self.date = date
        self.sources = sources
    }

    /// The provenance of a report made now from `dataFile` (hashed here) by `arguments`.
    public static func now(dataFile: String?, arguments: [String], version: String, sources: [String] = []) throws -> ReportProvenance {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return ReportProvenance(dataFile: dataFile, dataSHA256: try dataFile.map { try sha256(ofFile: $0) },
                                commandLine: arguments.map(shellQuoted).joined(separator: " "), version: version,
                                date: formatter.string(from: Date()), sources: sources)
    }

    /// `word` as a POSIX shell reads it back: unchanged when it holds only safe characters, else
    /// in single quotes.
    public static func shellQuoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The SHA-256 of the file at `path` (OpenSSL's EVP digest over the memory-mapped file),
    /// lowercase hexadecimal as `sha256sum` prints it.
    public static func sha256(ofFile path: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw DataError(source: path, message: "cannot be read to compute its SHA-256 (\(error.localizedDescription))")
        }
        return try sha256(of: data)
    }

    /// The SHA-256 of `data`, lowercase hexadecimal.
    public static func sha256(of data: Data) throws -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        }
        guard ok == 1, length == 32 else { throw DataError(source: "SHA-256", message: "OpenSSL could not compute the digest") }
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}
