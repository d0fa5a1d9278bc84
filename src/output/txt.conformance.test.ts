/** Replays the real-Salt cases of output/txt.json: the outputter's text must match byte for byte. */
import { replayOutputCases } from './_replay.js';

replayOutputCases('txt.json');
