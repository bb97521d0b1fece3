// Starts the Scottish Government Design System's scripts (mobile menu, etc.).
// Every page works without them; they only add behaviour.
import DS from "/vendor/sgds/scripts/design-system.js";

DS.initAll();
