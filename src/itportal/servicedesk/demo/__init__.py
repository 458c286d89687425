"""The service desk's step of the demo generator.

Builds on the organisation, registry and catalogue steps: a year of a municipal IT desk.

    * agents: a login (no password: colleagues, not demo logins) for every active person of the
      IT office, in the IT staff role; the demo logins "itstaff" (1st line) and "admin" (system
      management, the change advisory board) work the desk too;
    * assignment groups: Servicedesk – första linjen, Klient och arbetsplats, Nätverk, Servrar
      och drift, Verksamhetssystem, Telefoni, Behörigheter, Informationssäkerhet and the change
      advisory board (Förändringsnämnden, CAB), members by their unit in the IT office;
    * a 24/7 calendar for the operations on-call service, with faster SLAs for priority 1 and
      2 of network connections and virtual servers (every other ticket follows the default
      SLAs of the migrations, on the desk's weekday 08–17 calendar);
    * `tickets` tickets (small 30,000, large 300,000, times the scale) opened over the last 365
      days up to the moment of the build: weekdays far more than weekends and holidays, peaks
      08–10 and 13–15, Mondays and the day after a holiday busier, January and August (school
      start) high, July (semester) low. About 55 % incidents, 33 % service requests, 12 %
      questions, from active people (the ticket's unit is theirs) through the portal, e-mail or
      the phone (entered by the desk); services of the catalogue, systems of the register
      (systems the requester's unit uses), priority from impact × urgency through the
      configured matrix; orders of orderable services with a quantity, approved (or rejected,
      or still pending) by the unit's IT coordinator or manager;
    * `problems` problems with the incidents they explain linked to them (same kind of fault,
      same system), about half of them known errors with a workaround;
    * each ticket's life on the desk's business hours: triage to a group and an agent, the
      first public reply, waits on the requester (which pause the SLA clocks; some never
      answer and are resolved after four weeks) and on third parties (deliveries, vendors),
      internal notes, the resolution, a few reopenings, and closure by the night five days
      after the resolution. Every status the ticket went through is a StatusChange row and an
      event entry, as the services write them; replies and notes carry their historical
      times. Business time to the response and the resolution is drawn as a share of the
      SLA's targets (planned work, priority 5, late in its 20 days; urgent work early). What
      happens after the build is cut off, so recent tickets are open (new, assigned, in
      progress, waiting on the requester or a third party) or resolved: a backlog of about
      3 % of a year's tickets (some 900 on small, 9,000 on large), the rest closed;
    * the SLA fields of every ticket computed with sla.clocks() (the rule of the pages and the
      breach task) as of the build: some 6 % of the tickets breach a target;
    * numbers INC-/REQ-/PRB-/QST-YYYY-NNNNNN in order of opening per kind and year (the year
      before this one continuing from where its earlier months would have left it), and the
      TicketCounter rows set so that the next ticket gets the next number;
    * changes (`changes`): standard, normal and emergency, past ones implemented (a few failed
      or rejected), coming ones drafts, submitted or approved; approvals derived from the
      register as changes.derive_approvals does (owners of the affected systems, the board);
      one change names the five systems with the most integrations (the benchmarks' impact
      analysis); blackout periods for the monthly payroll run (around the 25th), the annual
      accounts and the school start, and a Christmas change freeze of every system;
    * knowledge base articles for employees and for IT, linked to services and systems, with
      helpful / not helpful votes of the agents;
    * a dozen incoming e-mails: ones that became tickets or replies, an ignored auto-reply and
      three that could not be processed (the intake error list).

Groups, SLAs, calendars, changes, approvals, blackouts and articles are created with
ctx.create (audited as command:demo). The tickets get the same rows and 'create' audit rows
through create_audited(), which inserts plain rows: bulk_create() of 300,000 rows of forty
fields took most of the large build. The tickets' status changes and entries, the votes and
the incoming e-mail are history that the services never audit: they are inserted directly, with
their historical times (TicketEntry.created and friends are auto_now_add fields, which a bulk
insert would set to the time of the build). The agents' logins, like the demo logins, are not
audited; their people are linked to them afterwards (ctx.update). Everything depends on
profile, seed, scale and the moment of the build (`clock.now()`).

Left on `ctx` for later steps:
    agents                every desk login (User), the demo logins "itstaff" and "admin" first
    assignment_groups     {key: AssignmentGroup}: "first_line", "client", "network", "servers",
                          "systems", "telephony", "access", "security", "cab"
    ticket_count          tickets created
    open_ticket_count     of which open (new, assigned, in progress, waiting)
    breached_ticket_count of which breached, the response or the resolution
    problems              every problem (Ticket), oldest first
    demo_changes          every Change, in order of their planned start
    blackouts             every Blackout
    articles              every Article

The step is a package: builder.py (Builder, build) composes the parts, each of a few hundred
lines: agents.py (logins and assignment groups), planning.py (what each ticket is about and
when it comes in), problems.py, lives.py (a ticket's history), tickets.py (the rows, their SLA
fields and numbers), changes.py (changes, approvals, blackouts), articles.py and intake.py.
The data: params.py (the numeric knobs), templates.py and incidents.py (the kinds of ticket),
texts.py (what is said); inserts.py writes plain rows; clock.py reads the time.
"""

from itportal.servicedesk.demo.builder import build

__all__ = ["build"]
