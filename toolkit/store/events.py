"""The actions the event log records: one member per kind of user action, passed to ``Project.transaction``.

The stored value is the member's string (the same strings as before the enum), so events written by any version of
the toolkit still read as they were. ``Project.transaction`` refuses an action that is not listed here: add a member
when you add an action.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # project and its inputs
    PROJECT_INIT = "project.init"
    PROJECT_MIGRATE = "project.migrate"  # written by a schema migration that changed stored data
    PROJECT_SET_MODEL = "project.set_model"
    FRAMEWORKS_ADD_SHIPPED = "frameworks.add_shipped"
    FRAMEWORK_ADD = "framework.add"
    CROSSWALK_ADD = "crosswalk.add"
    MEASURES_ADD = "measures.add"
    TRANSCRIPTS_IMPORT = "transcripts.import"
    PARTICIPANTS_IMPORT = "participants.import"
    CODINGS_IMPORT = "codings.import"
    QDPX_IMPORT = "qdpx.import"
    # familiarisation
    MEMO_ADD = "memo.add"
    MEMO_EDIT = "memo.edit"
    MEMO_DELETE = "memo.delete"
    # indexing
    PASSAGES_CUT = "passages.cut"
    SUGGEST = "suggest"
    SUGGESTION_ACCEPT = "suggestion.accept"
    SUGGESTION_REJECT = "suggestion.reject"
    SUGGESTION_BULK_ACCEPT = "suggestion.bulk_accept"
    SUGGESTION_UNDO_BATCH = "suggestion.undo_batch"
    CODING_ADD = "coding.add"
    CODING_REMOVE = "coding.remove"
    CODING_COUNTER = "coding.counter"
    FINDING_JUDGE = "finding.judge"  # a researcher marks a participant against a finding
    FINDING_CLEAR = "finding.clear"
    AGREEMENT_CONSENSUS = "agreement.consensus"
    # charting
    SUMMARIES_DRAFT = "summaries.draft"
    SUMMARY_SET = "summary.set"
    SUMMARY_REVIEW = "summary.review"
    CROSSWALK_REFINE = "crosswalk.refine"
    # mapping
    MAP_PROPOSE_ELEMENTS = "map.propose_elements"
    MAP_PROPOSE_DIMENSIONS = "map.propose_dimensions"
    MAP_PROPOSE_CATEGORIES = "map.propose_categories"
    MAP_ADD_ELEMENT = "map.add_element"
    MAP_ADD_CATEGORY = "map.add_category"
    MAP_ACCEPT = "map.accept"
    MAP_MOVE_ELEMENT = "map.move_element"
    MAP_MOVE_DIMENSION = "map.move_dimension"
    MAP_MERGE_ELEMENTS = "map.merge_elements"
    MAP_MERGE_DIMENSIONS = "map.merge_dimensions"
    MAP_RENAME_ELEMENT = "map.rename_element"
    MAP_RENAME_DIMENSION = "map.rename_dimension"
    MAP_RENAME_CATEGORY = "map.rename_category"
    MAP_REMOVE_ELEMENT = "map.remove_element"
    MAP_REMOVE_DIMENSION = "map.remove_dimension"
    MAP_REMOVE_CATEGORY = "map.remove_category"
    MAP_UNDO = "map.undo"  # the last mapping edit of a framework undone (mapping.undo)
    # interpretation
    MEASURES_ADD_MEASURE = "measures.add_measure"
    MEASURES_LINK = "measures.link"
    MEASURES_UNLINK = "measures.unlink"
    # teaching
    TEACHING_CODE = "teaching.code"
    TEACHING_RESET = "teaching.reset"
    # team server: accounts, logins, blind double coding
    ACCOUNT_ADD = "account.add"
    ACCOUNT_PASSWORD = "account.password"
    ACCOUNT_ROLE = "account.role"
    ACCOUNT_ACTIVE = "account.active"
    ACCOUNT_LOGIN = "account.login"
    ACCOUNT_LOGIN_FAILED = "account.login_failed"
    TEAM_ASSIGN = "team.assign"
    ACCOUNT_UNLOCK = "account.unlock"
    TEAM_UNASSIGN = "team.unassign"
    TEAM_REVEAL = "team.reveal"
    TEAM_TEACHING = "team.teaching"

    # indexing decisions, consensus and the unit of analysis
    CONSENSUS_UNIT = "consensus.unit"
    CONSENSUS_AGREED = "consensus.agreed"
    PASSAGE_NOCODE = "passage.nocode"
    DECISION_UNDO = "decision.undo"
    UNIT_SET = "unit.set"
    SUGGESTER_LEARN = "suggester.learn"
    # evidence
    EVIDENCE_LEAD = "evidence.lead"
    # coders and participants (issue 25)
    CODER_ADD = "coder.add"
    PARTICIPANT_SET = "participant.set"
    ATTRIBUTE_ADD = "attribute.add"
    # teaching exercises, one per step
    TEACHING_FAMILIARIZE = "teaching.familiarize"
    TEACHING_CHART = "teaching.chart"
    TEACHING_MAP = "teaching.map"
    TEACHING_INTERPRET = "teaching.interpret"
    # framework editor (toolkit.codebook)
    FRAMEWORK_NEW = "framework.new"
    FRAMEWORK_VERSION = "framework.version"
    CATEGORY_ADD = "category.add"
    CATEGORY_EDIT = "category.edit"
    CODE_ADD = "code.add"
    CODE_RENAME = "code.rename"
    CODE_EDIT = "code.edit"
    CODE_MOVE = "code.move"
    CODE_REORDER = "code.reorder"
    CODE_MERGE = "code.merge"
    CODE_SPLIT = "code.split"
    CODE_DELETE = "code.delete"
    CODE_FROM_PASSAGE = "code.from_passage"
    # teaching a class: the teacher's set-up and comments, a student's joining and exercise work
    CLASS_CREATE = "class.create"
    CLASS_EXERCISE = "class.exercise"
    CLASS_KEY = "class.key"
    CLASS_JOIN = "class.join"
    CLASS_WORK = "class.work"
    CLASS_ACCEPT = "class.accept"
    CLASS_COMMENT = "class.comment"


#: The coding decisions: actions that change only codings, indexing decisions and what follows from them (a
#: suggestion's stored status, a coder's row on their first decision), never passages, transcripts, codes, the
#: suggestions' scores and reasons, or who may see what. The Index page's clicks are these; reads of the rest key
#: their caches on ``core.latest_event_id(s, skip=CODING_DECISIONS)``, which such a click leaves as it was.
CODING_DECISIONS: frozenset[Action] = frozenset({
    Action.SUGGESTION_ACCEPT, Action.SUGGESTION_REJECT, Action.SUGGESTION_BULK_ACCEPT, Action.SUGGESTION_UNDO_BATCH,
    Action.CODING_ADD, Action.CODING_REMOVE, Action.PASSAGE_NOCODE, Action.DECISION_UNDO})


def check_action(action: Action | str) -> Action:
    """The member for ``action`` (a member, or its stored string); anything else is refused with ValueError."""
    try:
        return Action(action)
    except ValueError:
        raise ValueError(f"unknown event action {action!r}: event actions are members of "
                         f"toolkit.store.events.Action (add one there for a new kind of action)") from None
