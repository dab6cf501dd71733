package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"palisade/static"
)

// access is the rule a route is guarded by. Every route is registered with
// exactly one, in the table below, and the guard middleware enforces it
// before any handler runs (see guard.go); handlers never decide access.
type access int

const (
	public           access = iota // anyone, signed in or not
	anonymousOK                    // public pages for signing in; signed-in people are sent home
	secondFactor                   // a session waiting for its second-factor code
	signedIn                       // any signed-in person
	accountSetup                   // signed in, allowed even before a required second factor is set up
	memberView                     // may see the {member} in the URL (coordinator, its IT lead, board in scope)
	memberEdit                     // the IT lead of the {member} in the URL
	memberReview                   // a coordinator of the {member}'s consortium
	consortiumView                 // a coordinator or a consortium-wide board official
	administer                     // a coordinator
	consortiumMember               // anyone with a role in the consortium; the page anonymises what the role may not see
)

func (a access) String() string {
	return [...]string{"public", "anonymousOK", "secondFactor", "signedIn", "accountSetup", "memberView", "memberEdit",
		"memberReview", "consortiumView", "administer", "consortiumMember"}[a]
}

// routeRules maps "METHOD pattern" to its rule, so tests can check that every
// route chi knows has one.
type routeRules map[string]access

func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.recoverPanics, s.logRequests, s.securityHeaders, s.limitBodies, s.crossOriginProtection, s.loadSession)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	s.rules = routeRules{}
	route := func(method, pattern string, rule access, h http.HandlerFunc) {
		s.rules[method+" "+pattern] = rule
		r.With(s.guard(rule)).Method(method, pattern, h)
	}

	staticFiles := http.StripPrefix("/static/", http.FileServerFS(static.Files))
	route(http.MethodGet, "/static/*", public, cacheStatic(staticFiles).ServeHTTP)
	route(http.MethodGet, "/healthz", public, s.showHealth)

	route(http.MethodGet, "/login", anonymousOK, s.showLogin)
	route(http.MethodPost, "/login", anonymousOK, s.login)
	route(http.MethodGet, "/login/code", secondFactor, s.showLoginCode)
	route(http.MethodPost, "/login/code", secondFactor, s.loginCode)
	route(http.MethodPost, "/logout", public, s.logout)
	route(http.MethodGet, "/setup", anonymousOK, s.showSetup)
	route(http.MethodPost, "/setup", anonymousOK, s.setup)
	route(http.MethodGet, "/invite", anonymousOK, s.showInvite)
	route(http.MethodPost, "/invite", anonymousOK, s.acceptInvite)
	route(http.MethodGet, "/reset", anonymousOK, s.showReset)
	route(http.MethodPost, "/reset", anonymousOK, s.resetPassword)

	route(http.MethodGet, "/", signedIn, s.showHome)
	route(http.MethodGet, "/account", accountSetup, s.showAccount)
	route(http.MethodPost, "/account/password", accountSetup, s.changePassword)
	route(http.MethodPost, "/account/sessions/end", accountSetup, s.endSessions)
	route(http.MethodGet, "/account/totp", accountSetup, s.showTOTP)
	route(http.MethodPost, "/account/totp", accountSetup, s.enableTOTP)
	route(http.MethodPost, "/account/totp/off", signedIn, s.disableTOTP)

	route(http.MethodGet, "/consortium", consortiumView, s.showConsortium)
	route(http.MethodGet, "/consortium/compare", consortiumMember, s.showCompare)
	route(http.MethodGet, "/consortium/compare.csv", consortiumMember, s.downloadCompare)
	route(http.MethodGet, "/consortium/weakest", consortiumView, s.showWeakest)
	route(http.MethodGet, "/consortium/trends", consortiumView, s.showConsortiumTrends)
	route(http.MethodGet, "/consortium/results", consortiumView, s.downloadResults)
	route(http.MethodGet, "/consortium/briefing.pdf", consortiumView, s.downloadConsortiumBriefing)
	route(http.MethodGet, "/consortium/links", consortiumView, s.showLinks)
	route(http.MethodPost, "/consortium/links", administer, s.createLink)
	route(http.MethodPost, "/consortium/links/{link}/delete", administer, s.deleteLink)

	route(http.MethodGet, "/members/{member}", memberView, s.showMember)
	route(http.MethodGet, "/members/{member}/peers", memberView, s.showPeers)
	route(http.MethodGet, "/members/{member}/trends", memberView, s.showMemberTrends)
	route(http.MethodGet, "/members/{member}/cycles/{cycle}", memberView, s.showAssessment)
	route(http.MethodGet, "/members/{member}/cycles/{cycle}/categories/{category}", memberView, s.showCategory)
	route(http.MethodPost, "/members/{member}/cycles/{cycle}/answers/{subcategory}", memberEdit, s.saveAnswer)
	route(http.MethodPost, "/members/{member}/cycles/{cycle}/submit", memberEdit, s.submitAssessment)
	route(http.MethodPost, "/members/{member}/cycles/{cycle}/review", memberReview, s.reviewAssessment)
	route(http.MethodPost, "/members/{member}/cycles/{cycle}/reopen", memberReview, s.reopenAssessment)
	route(http.MethodGet, "/members/{member}/cycles/{cycle}/results", memberView, s.showResults)
	route(http.MethodGet, "/members/{member}/cycles/{cycle}/briefing.pdf", memberView, s.downloadMemberBriefing)
	route(http.MethodGet, "/members/{member}/cycles/{cycle}/answers.csv", memberView, s.downloadAnswers)
	route(http.MethodGet, "/members/{member}/cycles/{cycle}/oscal.json", memberView, s.downloadOSCAL)
	route(http.MethodGet, "/members/{member}/cycles/{cycle}/import", memberEdit, s.showImport)
	route(http.MethodPost, "/members/{member}/cycles/{cycle}/import", memberEdit, s.previewImport)
	route(http.MethodPost, "/members/{member}/cycles/{cycle}/import/confirm", memberEdit, s.confirmImport)

	route(http.MethodGet, "/api/v1/cycles", consortiumMember, s.apiCycles)
	route(http.MethodGet, "/api/v1/members", consortiumMember, s.apiMembers)
	route(http.MethodGet, "/api/v1/members/{member}/cycles/{cycle}/scores", memberView, s.apiScores)
	route(http.MethodGet, "/api/v1/members/{member}/cycles/{cycle}/gaps", memberView, s.apiGaps)

	// Results by an imported framework (palisade frameworks import), worked
	// out from the CSF 2.0 answers: one member, and the whole consortium.
	route(http.MethodGet, "/members/{member}/cycles/{cycle}/frameworks/{framework}", memberView, s.showMemberFramework)
	route(http.MethodGet, "/consortium/frameworks/{framework}", consortiumView, s.showConsortiumFramework)

	// Risk pooling: shared services, enrolment, projection and plans.
	// (pooling routes: services)
	route(http.MethodGet, "/consortium/services", consortiumMember, s.showServices)
	route(http.MethodPost, "/consortium/services", administer, s.createService)
	route(http.MethodGet, "/consortium/services/new", administer, s.newService)
	route(http.MethodPost, "/consortium/services/defaults", administer, s.addDefaultServices)
	route(http.MethodGet, "/consortium/services/{service}", consortiumView, s.showService)
	route(http.MethodPost, "/consortium/services/{service}", administer, s.saveService)
	route(http.MethodGet, "/consortium/services/{service}/edit", administer, s.editService)
	route(http.MethodPost, "/consortium/services/{service}/delete", administer, s.deleteService)
	route(http.MethodPost, "/consortium/services/{service}/enrolments", administer, s.saveEnrolments)
	route(http.MethodGet, "/consortium/services/{service}/shares.csv", consortiumView, s.downloadShares)
	route(http.MethodGet, "/consortium/pooling", consortiumView, s.showPooling)
	route(http.MethodGet, "/members/{member}/services", memberView, s.showMemberServices)
	route(http.MethodPost, "/members/{member}/services/{service}/request", memberEdit, s.requestEnrolment)

	// Risk pooling: insurance readiness, agreements, tabletop exercises.
	// (pooling routes: readiness)
	route(http.MethodGet, "/consortium/insurance", consortiumView, s.showInsurance)
	route(http.MethodPost, "/admin/insurance", administer, s.saveInsuranceTiers)
	route(http.MethodGet, "/members/{member}/insurance", memberView, s.showMemberInsurance)
	route(http.MethodPost, "/members/{member}/insurance", memberEdit, s.certifyInsurance)
	route(http.MethodGet, "/consortium/exercises", consortiumView, s.showExercises)
	route(http.MethodPost, "/consortium/exercises", administer, s.createExercise)
	route(http.MethodPost, "/consortium/exercises/{exercise}/delete", administer, s.deleteExercise)
	route(http.MethodPost, "/consortium/findings/{finding}", administer, s.setFindingStatus)
	route(http.MethodGet, "/consortium/services/{service}/agreements/new", administer, s.showAgreementForm)
	route(http.MethodPost, "/consortium/services/{service}/agreements", administer, s.createServiceAgreement)
	route(http.MethodPost, "/consortium/agreements/{agreement}/delete", administer, s.deleteServiceAgreement)

	route(http.MethodGet, "/admin/members", administer, s.showMembers)
	route(http.MethodPost, "/admin/members", administer, s.createMember)
	route(http.MethodGet, "/admin/accounts", administer, s.showAccounts)
	route(http.MethodPost, "/admin/invitations", administer, s.createInvitation)
	route(http.MethodPost, "/admin/accounts/{user}/disable", administer, s.disableAccount)
	route(http.MethodPost, "/admin/accounts/{user}/enable", administer, s.enableAccount)
	route(http.MethodPost, "/admin/accounts/{user}/reset", administer, s.createResetLink)
	route(http.MethodGet, "/admin/settings", administer, s.showSettings)
	route(http.MethodPost, "/admin/settings", administer, s.saveSettings)
	route(http.MethodGet, "/admin/audit", administer, s.showAudit)
	route(http.MethodGet, "/admin/backup.db", administer, s.downloadBackup)
	route(http.MethodGet, "/admin/cycles", administer, s.showCycles)
	route(http.MethodPost, "/admin/cycles", administer, s.openCycle)
	route(http.MethodPost, "/admin/cycles/{cycle}/close", administer, s.closeCycle)
	route(http.MethodGet, "/admin/api-tokens", administer, s.showAPITokens)
	route(http.MethodPost, "/admin/api-tokens", administer, s.createAPIToken)
	route(http.MethodPost, "/admin/api-tokens/{token}/revoke", administer, s.revokeAPIToken)
	route(http.MethodGet, "/admin/weights", administer, s.showWeights)
	route(http.MethodPost, "/admin/weights", administer, s.saveWeights)
	return r
}

// cacheStatic lets browsers keep assets for an hour; they are embedded in
// the binary, so they change only with a new release.
func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
