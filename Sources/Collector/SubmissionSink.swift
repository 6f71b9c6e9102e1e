import FormKit
import Foundation
import Submissions

/// Where a session's draft and final submission go besides the local draft file. The draft is
/// always saved locally first (so a network that is down loses nothing); a sink then carries it
/// on, e.g. to the campaign server (`collect --server`). Without a sink the final is a local file.
public protocol SubmissionSink: AnyObject {
    /// Sends the draft just saved locally; what went wrong, or nil when it arrived. A draft that
    /// could not be sent is sent again with the next save (the newest draft holds every answer).
    func send(draft: Submission) -> LocalizedText?
    /// Submits the final report: the warnings confirmed (their keys) go with it. The outcome, said
    /// to the person: `.stored(where)` or `.refused(why)`.
    func submit(final: Submission, confirmed: Set<String>) -> SinkSubmission
}

/// What a sink did with a final report.
public enum SinkSubmission: Sendable {
    /// Stored as revision `revision` at `location`.
    case stored(revision: Int, location: URL)
    case refused(LocalizedText)
}
