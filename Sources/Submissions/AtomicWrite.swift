import AtomicFiles
import Foundation

/// Writes a file the safe way (`AtomicOutput`): a temporary file beside the target, flushed,
/// then renamed over it, so a crash or a full disk never leaves half a file where a good one
/// was, and "saved" is only said of what reached the disk.
public func writeAtomically(_ data: Data, to url: URL) throws {
    try AtomicOutput.write([UInt8](data), to: url.path)
}
