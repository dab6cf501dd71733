// Package web is Palisade's HTTP layer: the router, the middleware that
// guards every route, and one file per page or action. Handlers parse the
// request, call the store and the domain, and render a view; nothing more.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/frameworks"
	"palisade/store"
)

// Config is what the server needs to know about how it is deployed.
type Config struct {
	// SecureCookies sets the Secure flag on cookies. It is off only when
	// serving plain HTTP on localhost.
	SecureCookies bool
	// TrustProxy takes the client address from X-Forwarded-For and the
	// scheme from X-Forwarded-Proto (behind a TLS reverse proxy only).
	TrustProxy bool
	// BaseURL is used for one-time links shown to coordinators, e.g.
	// https://palisade.example.org. Empty: derived from the request.
	BaseURL string
	// IdleTimeout ends a session after this long without a request;
	// AbsoluteTimeout ends it this long after sign-in whatever happens.
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	// Mailer sends one-time links by email when SMTP is configured; nil
	// means links are only shown to the coordinator who made them.
	Mailer Mailer
}

// Server holds the dependencies of every handler.
type Server struct {
	cfg     Config
	store   *store.Store
	catalog *frameworks.Catalog
	scale   *frameworks.Scale
	log     *slog.Logger
	now     func() time.Time

	// Attempts at signing in, using a second factor, or using a one-time
	// link, per client address and per account: 10 in 15 minutes.
	ipLimit      *accounts.Limiter
	accountLimit *accounts.Limiter

	router chi.Router
	rules  routeRules

	// comparisons keeps the analysis of a cycle until the next write, so
	// dashboards opened again and again do not re-read 50,000 answers.
	comparisons comparisonCache

	// imports holds checked CSV uploads until they are confirmed.
	imports pendingImports
}

// New builds a server on an open store.
func New(cfg Config, st *store.Store, log *slog.Logger) *Server {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 2 * time.Hour
	}
	if cfg.AbsoluteTimeout == 0 {
		cfg.AbsoluteTimeout = 12 * time.Hour
	}
	s := &Server{
		cfg:     cfg,
		store:   st,
		catalog: frameworks.CSF20(),
		scale:   frameworks.NCSR(),
		log:     log,
		now:     time.Now,
	}
	s.ipLimit = accounts.NewLimiter(10, 15*time.Minute, func() time.Time { return s.now() })
	s.accountLimit = accounts.NewLimiter(10, 15*time.Minute, func() time.Time { return s.now() })
	s.router = s.routes()
	return s
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Router exposes the router so tests can walk every route.
func (s *Server) Router() chi.Router { return s.router }

// SetClock replaces the clock of the server and its store (tests).
func (s *Server) SetClock(now func() time.Time) {
	s.now = now
	s.store.SetClock(func() time.Time { return now().UTC() })
}
