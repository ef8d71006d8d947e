package nomination

import "github.com/ntmflow/ntmflow/internal/authz"

// actingThrough is the delegated grant through which p took action on a nomination at
// unitPath from status from (nil: the action created it), when p could not have taken it
// in their own right (SPEC §13): the history then records on whose behalf p acted. The
// rule is the one decide found for that status, so a reject by the province is read
// against the approver's grants, not the reviewer's. A principal who holds the rule's
// role themselves acts in their own right, whatever was also delegated to them.
func actingThrough(az *authz.Authorizer, p *authz.Principal, action, unitPath string, from *Status) (authz.Grant, bool) {
	var status Status
	if from != nil {
		status = *from
	}
	var via authz.Grant
	found := false
	for _, r := range Workflow {
		if r.Action != action || !r.appliesFrom(status) {
			continue
		}
		for _, role := range r.By {
			g, ok := az.AllowingGrant(p, role, authz.ObjNomination, action, unitPath)
			switch {
			case !ok:
			case !g.Delegated():
				return authz.Grant{}, false
			case !found:
				via, found = g, true
			}
		}
	}
	return via, found
}

// actingFor is actingThrough for a permission outside the workflow table (answering an
// objection): the delegated grant that allows act on obj at unitPath when none of p's
// own grants does.
func actingFor(az *authz.Authorizer, p *authz.Principal, obj, act, unitPath string) (authz.Grant, bool) {
	var via authz.Grant
	found := false
	for _, g := range p.Grants {
		switch {
		case !az.GrantAllows(g, obj, act, unitPath):
		case !g.Delegated():
			return authz.Grant{}, false
		case !found:
			via, found = g, true
		}
	}
	return via, found
}

// actingVia is the delegated grant behind a history entry of action (actingThrough), for
// the entries that are not workflow steps read against the permission that allowed them:
// evidence is changed under update, an objection answered under objection:resolve.
func actingVia(az *authz.Authorizer, p *authz.Principal, action, unitPath string, from *Status) (authz.Grant, bool) {
	switch action {
	case ActionAddAttachment, ActionDeleteAttachment:
		return actingThrough(az, p, ActionUpdate, unitPath, from)
	case ActionResolveObjection:
		return actingFor(az, p, ObjObjection, ActResolve, unitPath)
	}
	return actingThrough(az, p, action, unitPath, from)
}
