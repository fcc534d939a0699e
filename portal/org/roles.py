"""The model permissions of every staff role (岗位权限), declared once.

Each role is a Django group named exactly after its `Role` value; `sync_roles`
(run after every migration and by `manage.py sync_roles`) gives each group
exactly the permissions listed here and takes away any other.

An entry is "app_label.codename". A codename may end in `*` to mean every
permission of that app starting with the prefix ("policies.view_*" is every
view permission of the policies app, "org.*" every permission of org), so a
new model is covered as soon as it is migrated. An exact entry whose model does
not exist yet is skipped with a warning: add your app's lines before your
models land. An entry starting with "-" takes away a permission the others give.

Model permissions say what kind of object a role works on; which objects is a
separate question answered by the department's object permissions (see
`portal.org.permissions`). Domain engineers: add your lines to the roles below.
"""

from .models import Role

# The apps whose models belong to the portal; supervisors may view all of them
# and platform admins may do everything in them.
PORTAL_APPS = [
    "org",
    "accounts",
    "search",
    "workcalendar",
    "notify",
    "audit",
    "documents",
    "supervision",
    "policies",
    "matters",
    "enterprises",
    "applications",
    "payouts",
    "appeals",
    "engagement",
]

# Every member of staff sees the organisation chart, whatever their role.
_ORG_CHART = ["org.view_region", "org.view_department"]

# 一企一档: the archive is shared by every department, not owned by one, so
# every working role reads it; contacts are revealed (and logged) only by the
# roles that must call enterprises.
_ARCHIVE_READ = [
    "enterprises.view_enterprise",
    "enterprises.view_annualfigure",
    "enterprises.view_qualification",
    "enterprises.view_qualificationtype",
    "enterprises.view_tag",
    "enterprises.view_tagcategory",
    "enterprises.view_enterprisetag",
    "enterprises.view_enterprisemember",
]
_ARCHIVE_CONTACTS = ["enterprises.view_enterprise_contacts"]

# 政策资金事项 and its guide (申报指南): what reading and editing a matter involve.
_MATTER_GUIDE = ["matter", "material", "processstep", "matterfaq", "supporttier"]
_MATTER_READ = [
    *[f"matters.view_{model}" for model in _MATTER_GUIDE],
    "matters.view_ruleset",
    "matters.view_criterion",
    "matters.view_matchresult",
    "matters.view_pushrecord",
    "matters.view_impactpreview",
]
_MATTER_GUIDE_EDIT = [
    *[f"matters.{action}_{model}" for model in _MATTER_GUIDE for action in ("view", "add", "change")],
    *[f"matters.delete_{model}" for model in _MATTER_GUIDE if model != "matter"],
]

# 申报办理: what reading a case involves (the case, its materials, steps, notices, objections, rating).
_APPLICATION_READ = [
    "applications.view_application",
    "applications.view_submittedmaterial",
    "applications.view_reviewstep",
    "applications.view_supplementnotice",
    "applications.view_supplementitem",
    "applications.view_objection",
    "applications.view_rating",
    "applications.view_rectification",
    "applications.view_confirmationlist",
    "applications.view_confirmation",
]
# The department's work on cases: pre-review and acceptance, its steps, one-time notices, rectifications.
_APPLICATION_REVIEW = [
    *_APPLICATION_READ,
    "applications.review_application",
    "applications.change_rectification",
    "applications.add_confirmationlist",
    "applications.change_confirmationlist",
]

# 兑付: what finance works on and the departments see of their matters' payouts.
_PAYOUT_READ = [
    "payouts.view_payout",
    "payouts.view_payoutbatch",
    "payouts.view_bankresultimport",
    "payouts.view_fundingsource",
    "payouts.view_subsidysubmission",
    "payouts.view_subsidyrecord",
]

# 奖补汇聚 (宜昌 §37, 常州 §30): a department reports the subsidies it paid outside the platform.
_SUBSIDY_SUBMIT = [
    "payouts.view_subsidysubmission",
    "payouts.add_subsidysubmission",
    "payouts.view_subsidyrecord",
]

# 诉求 (12345): what every department handling tickets reads and does (which tickets: those dispatched to it).
_APPEAL_READ = [
    "appeals.view_appeal",
    "appeals.view_appealattachment",
    "appeals.view_dispatchrecord",
    "appeals.view_appealreply",
    "appeals.view_extensionrequest",
    "appeals.view_callbackrecord",
    "appeals.view_appealtimelimit",
]
_APPEAL_HANDLE = [*_APPEAL_READ, "appeals.handle_appeal", "appeals.add_extensionrequest"]
# 专题文章 (无锡 §22(三)): editors write and submit the department's articles; reviewers and approvers publish,
# return or withdraw them (never their own).
_ARTICLE_WRITE = [
    "engagement.view_article",
    "engagement.add_article",
    "engagement.change_article",
    "engagement.submit_article",
]
_ARTICLE_PUBLISH = ["engagement.view_article", "engagement.publish_article"]
# 政策抒见互动区: the departments answer the public questions about their policies and matters.
_QUESTION_ANSWER = ["appeals.view_question", "appeals.answer_question"]
# 征求意见 (无锡 §22): the department's draft policies open for comment, the comments and the replies to them.
_CONSULTATION_READ = [
    "engagement.view_consultation",
    "engagement.view_consultationquestion",
    "engagement.view_consultationcomment",
]
_CONSULTATION_REPLY = [*_CONSULTATION_READ, "engagement.reply_consultation", "engagement.change_consultationcomment"]
# 线上政策咨询会: editors schedule sessions, approvers publish or cancel them; after a session the reviewers and
# approvers record the recording and answer the questions submitted in advance.
_SESSION_READ = [
    "engagement.view_consultationsession",
    "engagement.view_sessionbooking",
    "engagement.view_sessionquestion",
]
_SESSION_AFTER = [
    *_SESSION_READ,
    "engagement.change_consultationsession",
    "engagement.record_consultationsession",
    "engagement.change_sessionquestion",
    "engagement.answer_sessionquestion",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.EDITOR: [
        *_ORG_CHART,
        # 政策发布: drafts policies and interpretations, submits them for approval.
        "policies.view_policy",
        "policies.add_policy",
        "policies.change_policy",
        "policies.submit_policy",
        "policies.view_interpretation",
        "policies.add_interpretation",
        "policies.change_interpretation",
        "policies.view_policyattachment",
        "policies.add_policyattachment",
        "policies.change_policyattachment",
        "policies.delete_policyattachment",
        "policies.view_policytagsuggestion",
        "policies.change_policytagsuggestion",
        "policies.view_policyrelation",
        "policies.add_policyrelation",
        "policies.change_policyrelation",
        "policies.delete_policyrelation",
        "policies.view_policyfaq",
        "policies.add_policyfaq",
        "policies.change_policyfaq",
        "policies.delete_policyfaq",
        # 一企一档: keeps the archive's facts, qualifications and tags current and answers 纠错.
        *_ARCHIVE_READ,
        "enterprises.change_enterprise",
        "enterprises.add_annualfigure",
        "enterprises.change_annualfigure",
        "enterprises.add_qualification",
        "enterprises.change_qualification",
        "enterprises.add_enterprisetag",
        "enterprises.change_enterprisetag",
        "enterprises.delete_enterprisetag",
        "enterprises.add_tag",
        "enterprises.change_tag",
        "enterprises.add_tagcategory",
        "enterprises.change_tagcategory",
        "enterprises.view_correctionrequest",
        "enterprises.change_correctionrequest",
        # 申报条件: drafts the department's rule sets and their criteria (a published version is frozen).
        "matters.view_ruleset",
        "matters.add_ruleset",
        "matters.change_ruleset",
        "matters.view_criterion",
        "matters.add_criterion",
        "matters.change_criterion",
        "matters.delete_criterion",
        # 政策资金事项: splits policies into matters, writes their guides, submits them; pushes them (常州 §17).
        *_MATTER_GUIDE_EDIT,
        "matters.submit_matter",
        "matters.push_matter",
        "matters.view_matchresult",
        "matters.view_pushrecord",
        "matters.view_impactpreview",
        "matters.add_impactpreview",
        # 奖补汇聚: reports the subsidies the department paid outside the platform.
        *_SUBSIDY_SUBMIT,
        *_ARTICLE_WRITE,
        # 征求意见: drafts and opens consultations, replies to the comments, publishes the summary.
        *_CONSULTATION_REPLY,
        "engagement.add_consultation",
        "engagement.change_consultation",
        "engagement.open_consultation",
        "engagement.publish_consultation_summary",
        "engagement.add_consultationquestion",
        "engagement.change_consultationquestion",
        "engagement.delete_consultationquestion",
        # 线上政策咨询会: schedules the department's sessions and submits them.
        *_SESSION_READ,
        "engagement.add_consultationsession",
        "engagement.change_consultationsession",
        "engagement.submit_consultationsession",
    ],
    Role.REVIEWER: [
        *_ORG_CHART,
        # 诉求: signs for, handles and answers the tickets dispatched to the department; asks for extensions.
        *_APPEAL_HANDLE,
        *_QUESTION_ANSWER,
        *_ARTICLE_PUBLISH,
        # 政策发布: reads the department's policies and their parts (which ones: the department's object permissions).
        "policies.view_policy",
        "policies.view_interpretation",
        "policies.view_policyattachment",
        "policies.view_policyrelation",
        "policies.view_policytagsuggestion",
        "policies.view_policyfaq",
        *_MATTER_READ,
        *_ARCHIVE_READ,
        *_ARCHIVE_CONTACTS,
        # 申报办理: pre-reviews and accepts the department's cases, decides its steps, tells what is missing.
        *_APPLICATION_REVIEW,
        # 征求意见: replies to the comments on the department's consultations.
        *_CONSULTATION_REPLY,
        # 线上政策咨询会: records the recording, answers the questions, promotes answers into the policy's FAQs.
        *_SESSION_AFTER,
    ],
    Role.APPROVER: [
        *_ORG_CHART,
        # 诉求: as the reviewers; is told when a ticket of the department is overdue.
        *_APPEAL_HANDLE,
        *_QUESTION_ANSWER,
        *_ARTICLE_PUBLISH,
        # 政策发布: approves publication; the data bureau's approver decides early offline requests.
        "policies.view_policy",
        "policies.change_policy",
        "policies.approve_policy",
        "policies.decide_offline",
        "policies.view_interpretation",
        "policies.change_interpretation",
        "policies.view_policyofflinerequest",
        "policies.view_policyfaq",
        # 申报条件: publishes the department's drafts.
        "matters.view_ruleset",
        "matters.view_criterion",
        "matters.publish_ruleset",
        # 政策资金事项: reviews guides and puts them on the catalogue (上架), closes and withdraws them.
        *_MATTER_READ,
        "matters.approve_matter",
        "matters.push_matter",
        "matters.add_impactpreview",
        *_ARCHIVE_READ,
        # 申报办理: everything the reviewer does, plus the decisions (核准 / 不予通过), objections and 免申即享 lists.
        *_APPLICATION_REVIEW,
        "applications.decide_application",
        "applications.handle_objection",
        "applications.accept_confirmationlist",
        # 兑付: follows the payouts of the department's matters.
        "payouts.view_payout",
        "payouts.view_subsidysubmission",
        "payouts.view_subsidyrecord",
        # 征求意见: replies, publishes the summary, links the final policy, withdraws a consultation.
        *_CONSULTATION_REPLY,
        "engagement.change_consultation",
        "engagement.withdraw_consultation",
        "engagement.publish_consultation_summary",
        # 线上政策咨询会: publishes, returns or cancels the department's sessions; as the reviewer after them.
        *_SESSION_AFTER,
        "engagement.approve_consultationsession",
    ],
    Role.FINANCE: [
        *_ORG_CHART,
        *_ARCHIVE_READ,
        "matters.view_matter",
        # 兑付: reads the approved cases and confirmations waiting for payment.
        "applications.view_application",
        "applications.view_confirmationlist",
        "applications.view_confirmation",
        # 拨付: the payouts of the funding sources its department pays — batches (制单 and, by another officer,
        # 复核), payment files, bank results, holds and corrections; keeps the funding sources.
        *_PAYOUT_READ,
        "payouts.batch_payout",
        "payouts.approve_payoutbatch",
        "payouts.import_bankresult",
        "payouts.hold_payout",
        "payouts.add_payoutbatch",
        "payouts.change_payoutbatch",
        "payouts.add_bankresultimport",
        "payouts.add_fundingsource",
        "payouts.change_fundingsource",
        # 奖补汇聚: submits the subsidies it paid outside the platform.
        *_SUBSIDY_SUBMIT,
    ],
    Role.CLERK: [
        *_ORG_CHART,
        *_ARCHIVE_READ,
        *_ARCHIVE_CONTACTS,
        "matters.view_matter",
        # 一窗受理: applications on behalf of enterprises, paper materials, walk-in consultations (帮办).
        "applications.accept_at_window",
        "applications.view_application",
        "applications.view_submittedmaterial",
        "applications.view_reviewstep",
        "applications.view_supplementnotice",
        "applications.view_consultation",
        "applications.add_consultation",
        "applications.add_rating",
    ],
    Role.OPERATOR: [
        *_ORG_CHART,
        *_ARCHIVE_READ,
        *_ARCHIVE_CONTACTS,
        "matters.view_matter",
        # 12345 诉求: accepts, dispatches, answers consultations itself, decides extensions, calls back; handles a
        # ticket reopened to the centre; moderates and answers the interaction area.
        *_APPEAL_READ,
        "appeals.dispatch_appeal",
        "appeals.handle_appeal",
        "appeals.callback_appeal",
        "appeals.add_callbackrecord",
        "appeals.view_appeal_statistics",
        "appeals.change_extensionrequest",
        *_QUESTION_ANSWER,
        "appeals.change_question",
        "appeals.moderate_question",
    ],
    # 督查: reads everything, changes nothing; audits contact reveals in the access log, reveals none itself.
    Role.SUPERVISOR: [f"{app}.view_*" for app in PORTAL_APPS] + [f"-{entry}" for entry in _ARCHIVE_CONTACTS],
    # 平台管理员: everything, except that the access log is append-only for all.
    Role.ADMIN: [f"{app}.*" for app in PORTAL_APPS if app != "audit"] + ["audit.view_*"],
}
