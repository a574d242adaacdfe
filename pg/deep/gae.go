package deep

// GAE writes generalised advantage estimates into adv and the value
// targets adv+values into ret for a rollout of T steps of N environments,
// laid out time-major (index t*N+i).
//
// rewards[t*N+i] is the reward of step t; term and trunc say whether the
// episode ended at that step by reaching a terminal state or by a time
// limit; values are V(s_t); last holds V of the observation after the last
// step, per environment. When bootstrap is true a truncated step is
// bootstrapped from truncValues[t*N+i], V of its final observation (the
// correct treatment of a time limit); when false it is treated like a
// termination, as most implementations do. truncValues is only read where
// trunc is set and may be nil when bootstrap is false.
//
// With λ = 1 the targets are discounted returns-to-go bootstrapped only at
// the rollout cut and at truncations, which is what REINFORCE with a
// baseline uses.
func GAE(adv, ret, rewards, values []float64, term, trunc []bool, truncValues, last []float64, n int, gamma, lambda float64, bootstrap bool) {
	steps := len(rewards) / n
	for i := range n {
		var next float64 // A_{t+1}
		nextV := last[i]
		for t := steps - 1; t >= 0; t-- {
			k := t*n + i
			var delta float64
			switch {
			case term[k]:
				delta = rewards[k] - values[k]
				next = 0
			case trunc[k]:
				boot := 0.0
				if bootstrap {
					boot = truncValues[k]
				}
				delta = rewards[k] + gamma*boot - values[k]
				next = 0
			default:
				delta = rewards[k] + gamma*nextV - values[k]
			}
			next = delta + gamma*lambda*next
			adv[k] = next
			ret[k] = next + values[k]
			nextV = values[k]
		}
	}
}
