import QtQuick
import "."

// A white line icon on a coloured disc.
Rectangle {
    property string icon
    property real iconScale: 0.56
    width: 160; height: width; radius: width / 2
    color: Theme.blue
    Image {
        anchors.centerIn: parent
        // Drawn from the SVG on Qt's image thread, not the GUI thread (a screen with several
        // icons held it ~10 ms per icon the first time); cached after.
        asynchronous: true
        source: "icons/" + parent.icon
        sourceSize: Qt.size(parent.width * parent.iconScale, parent.width * parent.iconScale)
    }
}
