package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/calendar"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/delegation"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/recognition"
)

// The route tables are the whole HTTP surface: path, handler, and the permission each
// needs, checked before the handler by middleware against the policy (route_access.go):
//
//	public          anyone, no sign-in
//	signedIn        any signed-in caller, about their own account or session
//	can(obj, act)   some role of the caller may do act on obj somewhere, else 403
//	sees(obj, act)  one object named in the path: a caller who may read no obj anywhere
//	                gets 404; act on this object is decided per object by the domain
//	scoped(obj, act) signed in; the answer is what the caller's scope allows, maybe nothing
//
// Which object, whether it is in the caller's scope (404) and whether the role may act on
// it there (403) stay with the domain services. The API table also says what each route
// reads and writes; GET /api/v1/openapi.json is generated from it (openapi.go).

const (
	get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete

	nom, rec, report, camp, crit, user = authz.ObjNomination, authz.ObjRecognition, authz.ObjReport,
		authz.ObjCampaign, authz.ObjCriteriaSet, authz.ObjUser
	read, manage = authz.ActRead, authz.ActManage

	holiday = calendar.ObjHoliday
)

// largeBody is the evidence upload's limit: the file plus multipart framing. Every other
// route takes at most smallBody.
const (
	smallBody = 1 << 20
	largeBody = nomination.MaxAttachmentSize + 64<<10
)

// pageRoutes are the browser pages (SPEC §10): server-rendered, cookie session, CSRF on
// every form; signed-out visitors of a page that needs a session go to /login.
func (s *Server) pageRoutes() []route {
	return []route{
		{Method: get, Path: "/static/*", Handler: s.staticHandler(), Access: public},
		{Method: get, Path: "/login", Handler: s.loginPage, Access: public},
		{Method: post, Path: "/login", Handler: s.loginSubmit, Access: public},
		{Method: post, Path: "/logout", Handler: s.logoutSubmit, Access: signedIn},
		// The language switch works signed out too; with a session it needs its CSRF token.
		{Method: post, Path: "/language", Handler: s.setLanguage, Access: public, Extra: []echo.MiddlewareFunc{s.csrfIfSignedIn}},
		{Method: get, Path: "/", Handler: s.homePage, Access: signedIn},
		{Method: get, Path: "/api/docs", Handler: s.apiDocsPage, Access: public},

		{Method: get, Path: "/nominations", Handler: s.nominationsPage, Access: scoped(nom, read)},
		{Method: get, Path: "/nominations/new", Handler: s.newNominationPage, Access: can(nom, "create")},
		{Method: post, Path: "/nominations", Handler: s.createNominationSubmit, Access: can(nom, "create")},
		{Method: get, Path: "/nominations/:id", Handler: s.nominationPage, Access: sees(nom, read)},
		{Method: get, Path: "/nominations/:id/edit", Handler: s.editNominationPage, Access: sees(nom, "update")},
		{Method: post, Path: "/nominations/:id/edit", Handler: s.editNominationSubmit, Access: sees(nom, "update")},
		// The workflow action comes in the form; the domain decides it per nomination.
		{Method: post, Path: "/nominations/:id/transition", Handler: s.transitionSubmit, Access: sees(nom, read)},
		{Method: get, Path: "/nominations/:id/review", Handler: s.reviewPage, Access: sees(nom, "review")},
		{Method: post, Path: "/nominations/:id/review", Handler: s.reviewSubmit, Access: sees(nom, "review")},
		{Method: post, Path: "/nominations/:id/attachments", Handler: s.uploadAttachmentPage, Access: sees(nom, "update"), Limit: largeBody},
		{Method: post, Path: "/nominations/:id/attachments/:aid/delete", Handler: s.deleteAttachmentPage, Access: sees(nom, "update")},
		// Answering an objection to the public notice: the domain decides objection:resolve
		// per nomination (reviewers and the approver of its unit).
		{Method: post, Path: "/nominations/:id/objections/:oid/resolve", Handler: s.resolveObjectionSubmit, Access: sees(nom, read)},
		{Method: get, Path: "/recognitions", Handler: s.recognitionsPage, Access: scoped(rec, read)},
		// One decision, many dossiers (SPEC §13): the approval queue's form approves the
		// checked nominations as approve does one (the workflow decides each); the
		// decision's page belongs to its province.
		{Method: post, Path: "/decisions", Handler: s.decisionSubmit, Access: can(nom, "approve")},
		{Method: get, Path: "/decisions/:id", Handler: s.decisionPage, Access: sees(rec, read)},
		{Method: get, Path: "/criteria", Handler: s.criteriaPage, Access: scoped(crit, read)},
		{Method: get, Path: "/users", Handler: s.usersPage, Access: can(user, manage)},
		// Delegation (SPEC §13): anyone sees what they gave and received (an admin, those of
		// the province too); the form delegates a role the policy lets its holder delegate.
		{Method: get, Path: "/delegations", Handler: s.delegationsPage, Access: signedIn},
		{Method: post, Path: "/delegations", Handler: s.delegateSubmit, Access: can(authz.ObjDelegation, authz.ActCreate)},
		{Method: post, Path: "/delegations/:id/revoke", Handler: s.revokeDelegationSubmit, Access: signedIn},
		// Public holidays, which working-day deadlines skip (SPEC §13): an admin's page.
		{Method: get, Path: "/holidays", Handler: s.holidaysPage, Access: can(holiday, manage)},
		{Method: post, Path: "/holidays", Handler: s.addHolidaySubmit, Access: can(holiday, manage)},
		{Method: post, Path: "/holidays/:date", Handler: s.editHolidaySubmit, Access: can(holiday, manage)},
		{Method: post, Path: "/holidays/:date/delete", Handler: s.deleteHolidaySubmit, Access: can(holiday, manage)},
		{Method: get, Path: "/campaigns", Handler: s.campaignsPage, Access: scoped(camp, read)},
		{Method: get, Path: "/campaigns/new", Handler: s.newCampaignPage, Access: can(camp, manage)},
		{Method: post, Path: "/campaigns", Handler: s.createCampaignSubmit, Access: can(camp, manage)},
		{Method: get, Path: "/campaigns/:id", Handler: s.dashboardPage, Access: sees(camp, read)},
		{Method: get, Path: "/campaigns/:id/edit", Handler: s.editCampaignPage, Access: sees(camp, manage)},
		{Method: post, Path: "/campaigns/:id/edit", Handler: s.editCampaignSubmit, Access: sees(camp, manage)},
		{Method: get, Path: "/campaigns/:id/targets", Handler: s.targetsPage, Access: sees(camp, manage)},
		{Method: post, Path: "/campaigns/:id/targets", Handler: s.targetsSubmit, Access: sees(camp, manage)},

		// The public registry (SPEC §7): active recognitions only in lists; one page per
		// recognition (the certificate's QR target) says plainly what its status is.
		{Method: get, Path: "/public/recognitions", Handler: s.publicRecognitionsPage, Access: public},
		{Method: get, Path: "/public/recognitions/:id", Handler: s.publicRecognitionPage, Access: public},
		// The public notice (SPEC §13): the running notices and each one's objection form,
		// for anyone. The form carries its own CSRF cookie (page_notices.go); objections are
		// rate limited per client address by the nomination service.
		{Method: get, Path: "/public/notices", Handler: s.publicNoticesPage, Access: public},
		{Method: get, Path: "/public/notices/:id", Handler: s.publicNoticePage, Access: public},
		{Method: post, Path: "/public/notices/:id/objections", Handler: s.publicObjectionSubmit, Access: public},

		// Operations: probes are public; /metrics checks its own token (NTMFLOW_METRICS_TOKEN,
		// else 404), never a session.
		{Method: get, Path: "/healthz", Handler: s.healthz, Access: public},
		{Method: get, Path: "/readyz", Handler: s.readyz, Access: public},
		{Method: get, Path: metricsPath, Handler: s.metricsEndpoint(), Access: public},
	}
}

// apiRoutes is the JSON API under /api/v1 (SPEC §2–§8), the source of its OpenAPI document.
func (s *Server) apiRoutes() []route {
	return []route{
		{Method: get, Path: "/openapi.json", Handler: s.openAPI, Access: public, Doc: apiDoc{
			Summary: "This document: OpenAPI 3.1, generated from the route table", Out: anyJSON{}}},

		// Administrative units: public data (SPEC §2).
		{Method: get, Path: "/units", Handler: s.listUnits, Access: public, Doc: apiDoc{
			Summary: "Children of a unit, ordered by code (the provinces without parent)",
			Query:   []param{qs("parent", "code of the parent unit"), qs("on", "date YYYY-MM-DD of the tree (default: today)")}, Out: itemsOf[unitJSON]{}, Errors: codes(404)}},
		{Method: get, Path: "/units/:code", Handler: s.getUnit, Access: public, Doc: apiDoc{
			Summary: "One administrative unit with its path from the province down",
			Query:   []param{qs("on", "date YYYY-MM-DD the unit stood on (default: today)")}, Out: unitJSON{}}},

		// Sessions (SPEC §3). Login is throttled inside the identity service.
		{Method: post, Path: "/auth/login", Handler: s.login, Access: public, Doc: apiDoc{
			Summary: "Sign in: a bearer token, the account and a CSRF token; sets the session cookie",
			In:      loginRequest{}, Out: loginResponse{}, Errors: codes(429)}},
		{Method: post, Path: "/auth/logout", Handler: s.logout, Access: signedIn, Doc: apiDoc{
			Summary: "Sign out: the token and the cookie stop working at once", Status: http.StatusNoContent}},
		{Method: get, Path: "/me", Handler: s.me, Access: signedIn, Doc: apiDoc{
			Summary: "The signed-in account and its roles", Out: meJSON{}}},

		// Users: admin of a province, for users holding roles inside it (identity checks scope).
		{Method: post, Path: "/users", Handler: s.createUser, Access: can(user, manage), Doc: apiDoc{
			Summary: "Create a user with roles inside the admin's province", In: createUserRequest{},
			Out: identity.Account{}, Status: http.StatusCreated, Errors: codes(404, 409)}},
		{Method: get, Path: "/users", Handler: s.listUsers, Access: can(user, manage), Doc: apiDoc{
			Summary: "Users holding roles in the admin's province (or under ?unit=)",
			Query:   []param{qs("unit", "narrow to the users holding roles under this unit")}, Out: itemsOf[identity.Account]{}, Errors: codes(404)}},
		{Method: patch, Path: "/users/:id", Handler: s.updateUser, Access: can(user, manage), Doc: apiDoc{
			Summary: "Change a user's e-mail address, where notifications are mailed (\"\" removes it)", In: updateUserRequest{},
			Out: identity.Account{}}},
		{Method: put, Path: "/users/:id/roles", Handler: s.replaceUserRoles, Access: can(user, manage), Doc: apiDoc{
			Summary: "Replace a user's roles", In: rolesRequest{}, Out: identity.Account{}}},
		{Method: post, Path: "/users/:id/disable", Handler: s.disableUser, Access: can(user, manage), Doc: apiDoc{
			Summary: "Disable a user and end their sessions", Out: identity.Account{}}},

		// Delegation (SPEC §13): a reviewer or approver hands the role they hold at a unit to
		// another user of the same unit for a period (the policy's delegation:create says
		// which roles); the history then records actor and on_behalf_of. Reads: what the
		// caller gave or received, and an admin's province. Revocation is
		// POST /delegations/{id}/revoke, by the delegator or an admin, effective at once.
		{Method: post, Path: "/delegations", Handler: s.createDelegation, Access: can(authz.ObjDelegation, authz.ActCreate), Doc: apiDoc{
			Summary: "Delegate a role the caller holds at a unit, in their own right, to another user holding a role at the same unit, " +
				"from a day (today or later, default today) until a day (included, at most a year later). 403: a role not held there, " +
				"held only through a delegation, or not delegable; 422: oneself, a user of another unit, bad dates; 409: an overlapping delegation",
			In: delegationRequest{}, Out: delegation.View{}, Status: http.StatusCreated, Errors: codes(409)}},
		{Method: get, Path: "/delegations", Handler: s.listDelegations, Access: signedIn, Doc: apiDoc{
			Summary: "Delegations the caller gave or received (an admin: also those at the units of their province), newest first",
			Query:   delegationQuery, Out: itemsOf[delegation.View]{}}},
		{Method: get, Path: "/delegations/:id", Handler: s.getDelegation, Access: signedIn, Doc: apiDoc{
			Summary: "One delegation the caller gave, received or administers", Out: delegation.View{}}},
		{Method: post, Path: "/delegations/:id/revoke", Handler: s.revokeDelegation, Access: signedIn, Doc: apiDoc{
			Summary: "Revoke a delegation at once (no body): its delegate's next request no longer carries the role. " +
				"By the delegator or an admin of the unit (403 for the delegate); 409 when already revoked or ended",
			Out: delegation.View{}, Errors: codes(409)}},

		// Public holidays (SPEC §13): the country's days off, which working-day deadlines
		// skip; public data like the units, edited by an admin. {date} is YYYY-MM-DD.
		{Method: get, Path: "/holidays", Handler: s.listHolidays, Access: public, Doc: apiDoc{
			Summary: "Public holidays by date (days off; working days are Monday to Friday minus these)",
			Query:   []param{qi("year", "only the holidays of this year (2000 to 2100)")}, Out: itemsOf[calendar.Holiday]{}}},
		{Method: post, Path: "/holidays", Handler: s.createHoliday, Access: can(holiday, manage), Doc: apiDoc{
			Summary: "Add a holiday (a date from 2000-01-01 to 2100-12-31 that has none yet)", In: holidayRequest{},
			Out: calendar.Holiday{}, Status: http.StatusCreated, Errors: codes(409)}},
		{Method: put, Path: "/holidays/:date", Handler: s.updateHoliday, Access: can(holiday, manage), Doc: apiDoc{
			Summary: "Rename a holiday or move it to another date (date left out: the same day)", In: holidayRequest{},
			Out: calendar.Holiday{}, Errors: codes(409)}},
		{Method: del, Path: "/holidays/:date", Handler: s.deleteHoliday, Access: can(holiday, manage), Doc: apiDoc{
			Summary: "Remove a holiday", Status: http.StatusNoContent}},

		// Criteria sets (SPEC §5): read by anyone working in the province, published by its admin.
		{Method: get, Path: "/criteria-sets", Handler: s.listCriteriaSets, Access: scoped(crit, read), Doc: apiDoc{
			Summary: "Published criteria sets of the caller's provinces, newest first",
			Query:   []param{qs("type", "recognition type, e.g. model_garden")}, Out: itemsOf[criteria.Set]{}}},
		{Method: get, Path: "/criteria-sets/:id", Handler: s.getCriteriaSet, Access: sees(crit, read), Doc: apiDoc{
			Summary: "One criteria set", Out: criteria.Set{}}},
		{Method: post, Path: "/criteria-sets", Handler: s.publishCriteriaSet, Access: can(crit, manage), Doc: apiDoc{
			Summary: "Publish a new version of a criteria set (never edited once published)",
			In:      publishRequest{}, Out: criteria.Set{}, Status: http.StatusCreated}},

		// Nominations (SPEC §6). Scope (404) and role (403) are decided per object by the
		// nomination service from the caller's grants and the workflow table.
		{Method: post, Path: "/nominations", Handler: s.createNomination, Access: scoped(nom, "create"), Doc: apiDoc{
			Summary: "Create a draft nomination; a repeated Idempotency-Key returns the first result",
			Headers: []param{hs("Idempotency-Key", "makes a retried create return the first result")},
			In:      nominationRequest{}, Out: nomination.View{}, Status: http.StatusCreated, Errors: codes(404)}},
		{Method: get, Path: "/nominations", Handler: s.listNominations, Access: scoped(nom, read), Doc: apiDoc{
			Summary: "Nominations in the caller's scope, newest first (keyset pagination)",
			Query:   nominationQuery, Out: nomination.Page{}, Errors: codes(404)}},
		{Method: get, Path: "/nominations/:id", Handler: s.getNomination, Access: sees(nom, read), Doc: apiDoc{
			Summary: "One nomination (ETag: its version)", Out: nomination.View{}}},
		{Method: patch, Path: "/nominations/:id", Handler: s.patchNomination, Access: sees(nom, "update"), Doc: apiDoc{
			Summary: "Edit a draft or returned nomination", IfMatch: true, In: patchRequest{},
			Out: nomination.View{}, Errors: codes(409)}},
		{Method: put, Path: "/nominations/:id/review", Handler: s.putReview, Access: sees(nom, "review"), Doc: apiDoc{
			Summary: "Save the district's review; the server computes total_score and passes", IfMatch: true,
			In: reviewRequest{}, Out: nomination.View{}, Errors: codes(409)}},
		// The action comes in the body; the workflow table and the policy decide it per nomination.
		{Method: post, Path: "/nominations/:id/transitions", Handler: s.postTransition, Access: sees(nom, read), Doc: apiDoc{
			Summary: "Perform a workflow action (submit, withdraw, start_review, return, reject, endorse, send_back, approve, revoke)",
			IfMatch: true, In: transitionRequest{}, Out: nomination.View{}, Errors: codes(409)}},
		{Method: get, Path: "/nominations/:id/history", Handler: s.getHistory, Access: sees(nom, read), Doc: apiDoc{
			Summary: "The nomination's history, oldest first", Out: itemsOf[nomination.HistoryEntry]{}}},
		{Method: post, Path: "/nominations/:id/attachments", Handler: s.uploadAttachment, Access: sees(nom, "update"), Limit: largeBody, Doc: apiDoc{
			Summary: "Add an evidence file (JPEG, PNG, WebP or PDF, sniffed; 20 MiB at most)",
			In:      attachmentForm{}, Out: nomination.Attachment{}, Status: http.StatusCreated, Errors: codes(409, 415)}},
		{Method: get, Path: "/nominations/:id/attachments", Handler: s.listAttachments, Access: sees(nom, read), Doc: apiDoc{
			Summary: "The nomination's evidence files", Out: itemsOf[nomination.Attachment]{}}},
		{Method: get, Path: "/nominations/:id/attachments/:aid", Handler: s.downloadAttachment, Access: sees(nom, read), Doc: apiDoc{
			Summary: "Download an evidence file under its original name", Query: []param{qs("inline", "1 shows an image inline instead of downloading it")},
			Media: []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}}},
		{Method: del, Path: "/nominations/:id/attachments/:aid", Handler: s.deleteAttachment, Access: sees(nom, "update"), Doc: apiDoc{
			Summary: "Remove an evidence file while the nomination is editable", Status: http.StatusNoContent, Errors: codes(409)}},

		// Recognitions (SPEC §7), any signed-in role, in scope; the registry is public.
		{Method: get, Path: "/recognitions", Handler: s.listRecognitions, Access: scoped(rec, read), Doc: apiDoc{
			Summary: "Recognitions in the caller's scope",
			Query: []param{qs("type", "recognition type"), qs("unit", "unit code narrowing the list"),
				qi("year", "year of the decision"), qs("status", "active, expired or revoked"),
				qs("include_predecessors", "true: also the recognitions made in the units that went into unit at a reform")},
			Out: itemsOf[recognition.View]{}}},
		{Method: get, Path: "/recognitions/:id", Handler: s.getRecognition, Access: sees(rec, read), Doc: apiDoc{
			Summary: "One recognition", Out: recognition.View{}}},
		{Method: get, Path: "/recognitions/:id/certificate.pdf", Handler: s.certificate, Access: sees(rec, read), Doc: apiDoc{
			Summary: "The printable certificate (A4 PDF with a QR code to its public page)", Media: []string{"application/pdf"}}},
		{Method: get, Path: "/public/recognitions", Handler: s.publicRecognitionsAPI, Access: public, Doc: apiDoc{
			Summary: "The public registry: active recognitions, no personal data beyond owner and village",
			Query: []param{qs("province", "province code"), qs("district", "district code"), qs("commune", "commune code"),
				qs("unit", "unit code of today: its recognitions and those of the units that went into it"),
				qs("type", "recognition type"), qi("year", "year of the decision"), qs("q", "search text"),
				qi("limit", "page size, 1 to 200"), qs("cursor", "next_cursor of the previous page")},
			Out: publicPage{}}},
		{Method: get, Path: "/public/recognitions/:id", Handler: s.publicRecognitionAPI, Access: public, Doc: apiDoc{
			Summary: "One recognition as the public registry shows it, whatever its status", Out: publicRecognition{}}},

		// Public notice and objections (SPEC §13): a nomination whose set gives notice_days
		// is on public notice from its endorsement; anyone may object while it runs (rate
		// limited per client address in the nomination service). Its objections are read
		// with the nomination and answered by the roles of the policy's objection:resolve,
		// decided per nomination; approve waits for the notice's end and every answer.
		{Method: get, Path: "/public/notices", Handler: s.publicNoticesAPI, Access: public, Doc: apiDoc{
			Summary: "Nominations on public notice today, the soonest to close first: type, title, the commune as named today, " +
				"the notice's last day and where to object; nothing else of the dossier",
			Query: []param{qs("province", "province code"), qi("limit", "page size, 1 to 200 (default 50)"),
				qs("cursor", "next_cursor of the previous page")},
			Out: publicNoticePage{}}},
		{Method: post, Path: "/public/nominations/:id/objections", Handler: s.objectAPI, Access: public, Doc: apiDoc{
			Summary: "Object to a nomination while its public notice runs, without signing in; name and contact are optional " +
				"and never published. Rate limited per client address (429 with Retry-After); 404 for a nomination without a notice; " +
				"409 notice_closed once the notice has ended",
			In: objectionRequest{}, Out: nomination.ObjectionReceipt{}, Status: http.StatusCreated, Errors: codes(409, 429)}},
		{Method: get, Path: "/nominations/:id/objections", Handler: s.listObjections, Access: sees(nom, read), Doc: apiDoc{
			Summary: "The objections to a nomination, oldest first; name and contact only for a caller who may answer them (null otherwise)",
			Out:     itemsOf[nomination.Objection]{}}},
		{Method: get, Path: "/nominations/:id/objections/:oid", Handler: s.getObjection, Access: sees(nom, read), Doc: apiDoc{
			Summary: "One objection to a nomination, as the list shows it", Out: nomination.Objection{}}},
		{Method: post, Path: "/nominations/:id/objections/:oid/resolve", Handler: s.resolveObjection, Access: sees(nom, read), Doc: apiDoc{
			Summary: "Answer an objection, once (409 when it already has an answer): a reviewer or the approver of the nomination's unit",
			In:      resolveRequest{}, Out: nomination.Objection{}, Errors: codes(409)}},

		// Decisions (SPEC §13): one provincial decision approves several nominations, all or
		// none; each is the approve transition, decided per nomination by the workflow
		// table and the policy. A decision is read in its province.
		{Method: post, Path: "/decisions", Handler: s.createDecision, Access: can(nom, "approve"), Doc: apiDoc{
			Summary: "Approve endorsed nominations under one decision, all or none (an error names the item, e.g. items[2]); " +
				"a number the province holds with the same date and signer is joined",
			In: decisionRequest{}, Out: recognition.DecisionView{}, Status: http.StatusCreated, Errors: codes(404, 409, 412)}},
		{Method: get, Path: "/decisions/:id", Handler: s.getDecision, Access: sees(rec, read), Doc: apiDoc{
			Summary: "One decision with its recognitions, in the order of their certificate numbers", Out: recognition.DecisionView{}}},
		{Method: get, Path: "/decisions/:id/annex.xlsx", Handler: s.decisionAnnex, Access: sees(rec, read), Doc: apiDoc{
			Summary: "The annex of a decision: its recognitions as an Excel workbook", Media: []string{xlsxType}}},

		// Campaigns, targets, progress (SPEC §8): read in the province, managed by its
		// approvers and admins; progress for the caller's report scope.
		{Method: post, Path: "/campaigns", Handler: s.createCampaign, Access: can(camp, manage), Doc: apiDoc{
			Summary: "Create a campaign in a province the caller manages", In: campaignRequest{},
			Out: campaign.View{}, Status: http.StatusCreated}},
		{Method: get, Path: "/campaigns", Handler: s.listCampaigns, Access: scoped(camp, read), Doc: apiDoc{
			Summary: "Campaigns of the caller's provinces, newest first", Out: itemsOf[campaign.View]{}}},
		{Method: get, Path: "/campaigns/:id", Handler: s.getCampaign, Access: sees(camp, read), Doc: apiDoc{
			Summary: "One campaign with its targets", Out: campaign.View{}}},
		{Method: put, Path: "/campaigns/:id", Handler: s.updateCampaign, Access: sees(camp, manage), Doc: apiDoc{
			Summary: "Edit a campaign's name, description and period", In: campaignRequest{}, Out: campaign.View{}}},
		{Method: put, Path: "/campaigns/:id/targets", Handler: s.putTargets, Access: sees(camp, manage), Doc: apiDoc{
			Summary: "Replace every target of the campaign", In: targetsRequest{}, Out: campaign.View{}}},
		{Method: get, Path: "/campaigns/:id/progress", Handler: s.getProgress, Access: can(report, read), Doc: apiDoc{
			Summary: "Progress against the targets for a unit and its children", Query: progressQuery, Out: progressJSON{}}},
		{Method: get, Path: "/campaigns/:id/progress.csv", Handler: s.progressCSV, Access: can(report, read), Doc: apiDoc{
			Summary: "The progress report as CSV", Query: progressQuery, Media: []string{"text/csv"}}},
		{Method: get, Path: "/campaigns/:id/progress.xlsx", Handler: s.progressXLSX, Access: can(report, read), Doc: apiDoc{
			Summary: "The progress report as an Excel workbook", Query: progressQuery, Media: []string{xlsxType}}},

		// The filtered nominations list as a spreadsheet, for the district and province levels.
		{Method: get, Path: "/nominations.csv", Handler: s.nominationsCSV, Access: can(report, read), Doc: apiDoc{
			Summary: "The filtered nominations list as CSV (up to 10,000 rows)", Query: nominationQuery, Media: []string{"text/csv"}, Errors: codes(404)}},
		{Method: get, Path: "/nominations.xlsx", Handler: s.nominationsXLSX, Access: can(report, read), Doc: apiDoc{
			Summary: "The filtered nominations list as an Excel workbook", Query: nominationQuery, Media: []string{xlsxType}, Errors: codes(404)}},
	}
}

var (
	nominationQuery = []param{qs("status", "statuses, comma-separated"), qs("type", "recognition type"),
		qs("unit", "unit code narrowing the list inside the caller's scope"), qi("campaign_id", "campaign id"),
		qs("q", "search text"), qi("limit", "page size, 1 to 100 (default 20)"), qs("cursor", "next_cursor of the previous page"),
		qs("overdue", "true: only the nominations whose current stage is past its due date (due_on)"),
		qs("sort", "due_on: by due date, the soonest first, those without one last (the inbox); default newest first")}
	progressQuery = []param{qi("year", "the year (default: the campaign's current year)"),
		qs("unit", "unit code (default: the caller's own unit)")}
)

// routes registers both tables on echo, each route behind its body limit and access check.
func (s *Server) routes() {
	e := s.e
	e.Use(s.requestContext, securityHeaders, compressLarge(), checkRequestText, s.loadPrincipal)
	own := s.ownPageRoutes()
	for _, r := range own { // the pages a return address may name (servesGet)
		if r.Method == get && !strings.HasPrefix(r.Path, "/static/") {
			s.getPages = append(s.getPages, strings.Split(strings.Trim(r.Path, "/"), "/"))
		}
	}
	for _, r := range append(own, s.postOnlyRedirects(own)...) {
		s.register(r, "", s.requirePage)
	}
	api := s.apiRoutes()
	api = append(api, s.movementAPIRoutes()...)
	api = append(api, s.notifyAPIRoutes()...) // notifications.go
	s.apiDocument = newAPIDocument(api, s.version)
	for _, r := range api {
		s.register(r, apiPrefix, s.requireAuth)
	}
	// Unknown paths under the API prefix still pass the body limit, as in a group.
	notFound := func(echo.Context) error { return echo.ErrNotFound }
	e.RouteNotFound(apiPrefix, notFound, limitBody(smallBody))
	e.RouteNotFound(apiPrefix+"/*", notFound, limitBody(smallBody))
}

const apiPrefix = "/api/v1"

// ownPageRoutes is every page route as declared (notifications.go and page_movement.go
// keep theirs).
func (s *Server) ownPageRoutes() []route {
	pages := append(s.pageRoutes(), s.movementPageRoutes()...)
	return append(pages, s.notifyPageRoutes()...)
}

// allPageRoutes is ownPageRoutes with a GET for each page URL that only takes POST
// (postOnlyRedirects): what routes() registers.
func (s *Server) allPageRoutes() []route {
	own := s.ownPageRoutes()
	return append(own, s.postOnlyRedirects(own)...)
}

// postOnlyRedirects gives every page URL that only takes POST (a form's target, such as
// /nominations/:id/transition) a GET that sends the browser (303) to the page it belongs
// to: returning to, reloading or bookmarking such a URL never shows 405.
func (s *Server) postOnlyRedirects(pages []route) []route {
	gets := map[string]bool{}
	for _, r := range pages {
		if r.Method == get {
			gets[r.Path] = true
		}
	}
	var out []route
	for _, r := range pages {
		if r.Method == post && !gets[r.Path] {
			gets[r.Path] = true
			out = append(out, route{Method: get, Path: r.Path, Handler: s.toEnclosingPage, Access: public})
		}
	}
	return out
}

// toEnclosingPage answers a GET of a POST-only page URL with the page it belongs to: the
// Referer of this site, else the nearest enclosing path that is a page (getTarget).
func (s *Server) toEnclosingPage(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, s.getTarget(c, ""))
}
