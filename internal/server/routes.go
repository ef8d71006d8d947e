package server

// routes is the whole HTTP surface in one table: path, handler and who may call it.
// Permissions on objects are decided by the domain services with the caller's scope.
func (s *Server) routes() {
	e := s.e
	e.Use(s.requestContext, securityHeaders, limitBody(1<<20), s.loadPrincipal)

	// Operations (public).
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics.handler())

	api := e.Group("/api/v1")

	// Administrative units: public data (SPEC §2).
	api.GET("/units", s.listUnits)
	api.GET("/units/:code", s.getUnit)

	// Sessions (SPEC §3). Login is throttled inside the identity service.
	api.POST("/auth/login", s.login)
	api.POST("/auth/logout", s.logout, s.requireAuth)
	api.GET("/me", s.me, s.requireAuth)

	// Users: admin of a province, for users holding roles inside it (identity checks scope).
	api.POST("/users", s.createUser, s.requireAuth)
	api.GET("/users", s.listUsers, s.requireAuth)
	api.PUT("/users/:id/roles", s.replaceUserRoles, s.requireAuth)
	api.POST("/users/:id/disable", s.disableUser, s.requireAuth)
}
