"""Problems, where incidents of one kind cluster, and the incidents they explain."""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict

from itportal.servicedesk.choices import Channel, Kind
from itportal.servicedesk.demo.params import DAY, HOUR, lognormal
from itportal.servicedesk.demo.planning import Plan
from itportal.servicedesk.demo.texts import PROBLEM_TEMPLATES


class Problems:
    """Part of the Builder: problems planned among the incidents, and linked to them."""

    def plan_problems(self, plans):
        """Problems where incidents of one kind (and one system) cluster, opened a little after
        one of them (link_problems links the incidents around each once it has lived)."""
        ctx, rng, now = self.ctx, self.rng, self.now
        by_key = defaultdict(list)
        for plan in plans:
            if plan.kind == Kind.INCIDENT:
                by_key[plan.template.key].append(plan)
        usable = [t for t in PROBLEM_TEMPLATES if by_key.get(t.incident)]
        count = ctx.scaled(self.p.get("problems", 150)) if usable else 0
        weights = [len(by_key[t.incident]) for t in usable]
        problems = []
        for _i in range(count):
            template = rng.choices(usable, weights=weights)[0]
            seed = rng.choice(by_key[template.incident])
            opened = self.desk.add(seed.opened, dt.timedelta(minutes=rng.uniform(60, 3 * 540)))
            if opened >= now - HOUR:
                continue
            agent = self.pick(template.group)
            person = self.person_of_user.get(agent) or seed.requester
            plan = Plan(Kind.PROBLEM, opened)
            plan.template = template
            plan.requester = person
            plan.service = seed.service
            plan.system = seed.system
            plan.system_name = seed.system_name
            plan.title = template.title.format(system=seed.system_name)[:200]
            plan.description = template.description.format(system=seed.system_name)
            plan.impact, plan.urgency = 3, 3  # planned work: priority 5
            plan.priority = self.matrix[(3, 3)]
            plan.channel = Channel.AGENT
            plan.meta = {"agent": agent, "known_error": rng.random() < 0.5, "seed": seed}
            problems.append(plan)
        problems.sort(key=lambda p: p.opened)
        return problems

    def link_problems(self, problems, plans, lives):
        """Link the incidents of the same kind (and system) from a month before the problem
        to its resolution."""
        rng, now = self.rng, self.now
        by_key = defaultdict(list)
        for plan in plans:
            if plan.kind == Kind.INCIDENT:
                by_key[plan.template.key].append(plan)
        times = {key: [p.opened for p in rows] for key, rows in by_key.items()}
        for problem in problems:
            template = problem.template
            life = lives[id(problem)]
            end = life.resolved_at or now
            rows = by_key[template.incident]
            low = bisect_left(times[template.incident], problem.opened - 30 * DAY)
            high = bisect_right(times[template.incident], end)
            same_system = "{system}" in template.title
            candidates = [
                p
                for p in rows[low:high]
                if p.problem is None and (not same_system or p.system == problem.system)
            ]
            wanted = max(1, round(lognormal(rng, 5, 0.7)))
            chosen = rng.sample(candidates, min(wanted, len(candidates)))
            seed = problem.meta["seed"]
            if seed.problem is None and seed not in chosen:
                chosen.append(seed)
            for plan in chosen:
                plan.problem = problem
