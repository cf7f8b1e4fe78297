// idle.js - the warning before automatic sign-out.
//
// The server ends a session idle_seconds after its last request, but it
// records a request's time at most every 30 s, so it may end a session up
// to 30 s earlier than the last request suggests. The app therefore counts
// from its last answered request, ends its side SERVER_SLACK_S early, and
// warns WARN_LEAD_S before that (or half-way, for very short timeouts).

export const WARN_LEAD_S = 60;
export const SERVER_SLACK_S = 30;

// idlePlan(idleSeconds, lastMs) - when to warn and when to end, in ms of
// the same clock as lastMs (the time of the last answered request).
export function idlePlan(idleSeconds, lastMs) {
	const idleMs = Math.max(0, Number(idleSeconds) || 0) * 1000;
	const slack = Math.min(SERVER_SLACK_S * 1000, idleMs / 2);
	const endAt = lastMs + idleMs - slack;
	const lead = Math.min(WARN_LEAD_S * 1000, (endAt - lastMs) / 2);
	return { warnAt: endAt - lead, endAt };
}

// idlePhase(plan, nowMs) - 'active', 'warning' or 'ended'.
export function idlePhase(plan, nowMs) {
	if (nowMs >= plan.endAt) return 'ended';
	if (nowMs >= plan.warnAt) return 'warning';
	return 'active';
}

// IdleWatch - calls onWarn once when the warning is due and onEnd when the
// session is over, re-planned by touch() after every answered request.
// It reads the wall clock each time a timer fires, so a computer that
// slept past the deadline ends the session as soon as it wakes.
export class IdleWatch {
	constructor({ idleSeconds, onWarn, onEnd }) {
		this.idleSeconds = idleSeconds;
		this.onWarn = onWarn;
		this.onEnd = onEnd;
		this.timer = null;
		this.warned = false;
		this.stopped = false;
		this.check = () => this.tick();
		document.addEventListener('visibilitychange', this.check);
		this.touch();
	}

	touch() {
		if (this.stopped) return;
		this.plan = idlePlan(this.idleSeconds, Date.now());
		this.warned = false;
		this.schedule();
	}

	schedule() {
		clearTimeout(this.timer);
		const now = Date.now();
		const next = idlePhase(this.plan, now) === 'active' ? this.plan.warnAt : this.plan.endAt;
		this.timer = setTimeout(this.check, Math.max(0, next - now));
	}

	tick() {
		if (this.stopped) return;
		const phase = idlePhase(this.plan, Date.now());
		if (phase === 'ended') {
			this.stop();
			this.onEnd();
			return;
		}
		if (phase === 'warning' && !this.warned) {
			this.warned = true;
			this.onWarn();
		}
		this.schedule();
	}

	stop() {
		this.stopped = true;
		clearTimeout(this.timer);
		document.removeEventListener('visibilitychange', this.check);
	}
}
